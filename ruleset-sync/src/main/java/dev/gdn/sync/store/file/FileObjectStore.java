package dev.gdn.sync.store.file;

import dev.gdn.ruleset.files.AtomicFile;
import dev.gdn.sync.store.ContentEtag;
import dev.gdn.sync.store.GetResult;
import dev.gdn.sync.store.ObjectStore;
import dev.gdn.sync.store.PreconditionFailedException;
import dev.gdn.sync.store.StoreException;
import dev.gdn.sync.store.StoreUris;
import dev.gdn.sync.store.WriteCondition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory as an object store. Writes are atomic (temp file, fsync, rename); conditional writes
 * take a lock file so several processes sharing the directory cannot interleave a compare-and-swap.
 * The ETag is derived from the content (SHA-256), so identical bytes always carry the same ETag.
 */
public final class FileObjectStore implements ObjectStore {
    private static final String LOCK_FILE = ".gdn-store.lock";
    private final Path root;
    private final String name;

    private FileObjectStore(Path root) {
        this.root = root;
        this.name = root.toUri().toString();
    }

    public static FileObjectStore open(Path dir) throws StoreException {
        Path root = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new StoreException(root.toUri().toString(), "open", null, "cannot create the directory: " + describe(e), e, true);
        }
        return new FileObjectStore(root);
    }

    @Override
    public String name() {
        return name;
    }

    private Path resolve(String key) throws StoreException {
        StoreUris.checkKey(name, "resolve", key);
        return root.resolve(key);
    }

    @Override
    public GetResult get(String key, String ifNoneMatch) throws StoreException {
        Path p = resolve(key);
        try {
            byte[] data = Files.readAllBytes(p);
            String etag = ContentEtag.of(data);
            return etag.equals(ifNoneMatch) ? new GetResult.NotModified(etag) : new GetResult.Found(data, etag);
        } catch (NoSuchFileException e) {
            requireRoot("get", key);
            return GetResult.MISSING;
        } catch (IOException e) {
            throw new StoreException(name, "get", key, describe(e), e);
        }
    }

    /** A vanished store directory (an unmounted volume, say) is an outage, not an empty store. */
    private void requireRoot(String operation, String key) throws StoreException {
        if (!Files.isDirectory(root)) {
            throw new StoreException(name, operation, key, "the store directory " + root + " is gone", null);
        }
    }

    @Override
    public String put(String key, byte[] data, WriteCondition condition) throws StoreException {
        Path p = resolve(key);
        try {
            if (condition instanceof WriteCondition.Always) {
                AtomicFile.write(p, data);
                return ContentEtag.of(data);
            }
            // One compare-and-swap at a time across threads (synchronized) and processes (file lock).
            synchronized (this) {
                try (FileChannel lockChannel = FileChannel.open(root.resolve(LOCK_FILE),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = lockChannel.lock()) {
                    checkCondition(key, p, condition);
                    AtomicFile.write(p, data);
                    return ContentEtag.of(data);
                }
            }
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw new StoreException(name, "put", key, describe(e), e);
        }
    }

    private void checkCondition(String key, Path p, WriteCondition condition) throws IOException, StoreException {
        boolean exists = Files.exists(p);
        if (condition instanceof WriteCondition.IfAbsent && exists) {
            throw new PreconditionFailedException(name, key, "object already exists");
        }
        if (condition instanceof WriteCondition.IfMatch m) {
            if (!exists) {
                throw new PreconditionFailedException(name, key, "object does not exist (expected ETag " + m.etag() + ")");
            }
            String current = ContentEtag.of(Files.readAllBytes(p));
            if (!current.equals(m.etag())) {
                throw new PreconditionFailedException(name, key, "ETag is " + current + ", expected " + m.etag());
            }
        }
    }

    @Override
    public List<String> list(String prefix) throws StoreException {
        List<String> keys = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                String rel = root.relativize(f).toString().replace(java.io.File.separatorChar, '/');
                String fileName = f.getFileName().toString();
                boolean internal = fileName.equals(LOCK_FILE) || (fileName.startsWith(".") && fileName.endsWith(".tmp"));
                if (!internal && rel.startsWith(prefix)) {
                    keys.add(rel);
                }
            });
        } catch (NoSuchFileException e) {
            requireRoot("list", prefix);
            return List.of();
        } catch (IOException e) {
            throw new StoreException(name, "list", prefix, describe(e), e);
        } catch (java.io.UncheckedIOException e) {
            throw new StoreException(name, "list", prefix, describe(e.getCause()), e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws StoreException {
        try {
            Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new StoreException(name, "delete", key, describe(e), e);
        }
    }

    /** One line an operator can act on: what went wrong and with which path, not an exception class name. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileAlreadyExistsException x) {
            return "a file is in the way: " + x.getFile();
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory: " + n.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT) + ": " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        return name;
    }
}
