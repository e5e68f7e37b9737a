package dev.gdn.regions.cdn;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where Varnish's programs are: {@code varnishd} (often in /usr/sbin, off a user's PATH), varnishadm, varnishstat. */
public record VarnishInstall(Path varnishd, Path varnishadm, Path varnishstat) {
    /** What to tell a user who has no Varnish. */
    static final String INSTALL_HINT = "install Debian's varnish and varnish-modules (apt-get install varnish varnish-modules;"
            + " ./run-tests does it)";

    /** Searches PATH, then /usr/sbin, /usr/local/sbin and /usr/bin. */
    public static VarnishInstall find() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/bin")));
        return find(dirs);
    }

    /** @throws CdnException when a program is missing, saying how to install it */
    public static VarnishInstall find(List<Path> dirs) {
        return new VarnishInstall(program(dirs, "varnishd"), program(dirs, "varnishadm"), program(dirs, "varnishstat"));
    }

    private static Path program(List<Path> dirs, String name) {
        Optional<Path> found = dirs.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
        return found.orElseThrow(() -> new CdnException(name + " is not installed (looked in " + dirs.size()
                + " directories: PATH, /usr/sbin, …): " + INSTALL_HINT));
    }
}
