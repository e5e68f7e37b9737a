package dev.gdn.ruleset.eval;

/** MurmurHash3 x86 32-bit (Austin Appleby's reference), as flagd's fractional operator uses it. */
public final class Murmur3 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Murmur3() {
    }

    public static int hash32(byte[] data, int seed) {
        return hash32(data, data.length, seed);
    }

    /** The hash of the first {@code len} bytes. */
    public static int hash32(byte[] data, int len, int seed) {
        int h = seed;
        int blocks = len >>> 2;
        for (int i = 0; i < blocks; i++) {
            int o = i << 2;
            int k = (data[o] & 0xff) | (data[o + 1] & 0xff) << 8 | (data[o + 2] & 0xff) << 16 | (data[o + 3] & 0xff) << 24;
            h ^= mixK(k);
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks << 2;
        int k = 0;
        switch (len & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                h ^= mixK(k);
                break;
            default:
                break;
        }
        h ^= len;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * The hash of the UTF-8 bytes of {@code a + b}, computed without allocating: characters are
     * encoded on the fly into 4-byte blocks. Unpaired surrogates encode as '?', as
     * {@code String.getBytes(UTF_8)} does.
     */
    public static int hash32Utf8(String a, String b) {
        Utf8Hasher st = new Utf8Hasher();
        st.feed(a);
        st.feed(b);
        return st.finish();
    }

    /** Streaming murmur3 x86_32 state fed with UTF-8 bytes. */
    private static final class Utf8Hasher {
        int h;        // seed 0
        int block;    // pending bytes, little-endian
        int pending;  // how many bytes are in block
        int length;

        char high;    // a high surrogate waiting for its low half (which may start the next string)

        void feed(String s) {
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (high != 0) {
                    char h0 = high;
                    high = 0;
                    if (Character.isLowSurrogate(c)) {
                        int cp = Character.toCodePoint(h0, c);
                        add(0xf0 | (cp >> 18));
                        add(0x80 | ((cp >> 12) & 0x3f));
                        add(0x80 | ((cp >> 6) & 0x3f));
                        add(0x80 | (cp & 0x3f));
                        continue;
                    }
                    add('?');
                }
                if (c < 0x80) {
                    add(c);
                } else if (c < 0x800) {
                    add(0xc0 | (c >> 6));
                    add(0x80 | (c & 0x3f));
                } else if (Character.isHighSurrogate(c)) {
                    high = c;
                } else if (Character.isLowSurrogate(c)) {
                    add('?');
                } else {
                    add(0xe0 | (c >> 12));
                    add(0x80 | ((c >> 6) & 0x3f));
                    add(0x80 | (c & 0x3f));
                }
            }
        }

        private void add(int b) {
            block |= (b & 0xff) << (pending << 3);
            length++;
            if (++pending == 4) {
                h ^= mixK(block);
                h = Integer.rotateLeft(h, 13);
                h = h * 5 + 0xe6546b64;
                block = 0;
                pending = 0;
            }
        }

        int finish() {
            if (high != 0) {
                high = 0;
                add('?');
            }
            int hh = h;
            if (pending > 0) {
                hh ^= mixK(block);
            }
            hh ^= length;
            hh ^= hh >>> 16;
            hh *= 0x85ebca6b;
            hh ^= hh >>> 13;
            hh *= 0xc2b2ae35;
            hh ^= hh >>> 16;
            return hh;
        }
    }

    private static int mixK(int k) {
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        return k * C2;
    }
}
