package dev.gdn.regions.world;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.regex.Pattern;

/** How the world knows a part is ready: checked again and again until true, the part dies, or time runs out. */
@FunctionalInterface
public interface Probe {
    HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();

    boolean ready() throws Exception;

    /** An HTTP GET answers with this status. */
    static Probe http(String url, int status) {
        return () -> HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == status;
    }

    /** Something accepts TCP connections there. */
    static Probe tcp(InetSocketAddress address) {
        return () -> {
            try (Socket s = new Socket()) {
                s.connect(address, 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        };
    }

    /** The part's log has a line matching this since its last start (each start appends a line beginning "---- "). */
    static Probe logLine(Path log, Pattern line) {
        return () -> {
            if (!Files.exists(log)) {
                return false;
            }
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            int lastStart = text.lastIndexOf("---- ");
            return line.matcher(text.substring(Math.max(0, lastStart))).find();
        };
    }

    /** PostgreSQL accepts a login and a query (not merely a TCP connection: it may still be starting up). */
    static Probe jdbc(String url, String user) {
        return () -> {
            DriverManager.setLoginTimeout(2);
            try (Connection c = DriverManager.getConnection(url, user, "")) {
                return c.isValid(2);
            } catch (java.sql.SQLException e) {
                return false;
            }
        };
    }
}
