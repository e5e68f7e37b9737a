package dev.gdn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: an application without it on its class path builds and uses
 * the client. Loads the client from the test class path minus every Micrometer jar.
 */
class WithoutMicrometerTest {
    @Test
    void theClientWorksWithoutMicrometerOnTheClassPath() throws Throwable {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("micrometer")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader app = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> app.loadClass("io.micrometer.core.instrument.MeterRegistry"),
                    "the class path under test has no Micrometer");
            Class<?> tierKind = app.loadClass(TierKind.class.getName());
            Class<?> tier = app.loadClass(Tier.class.getName());
            Object gdn = tierKind.getMethod("valueOf", String.class).invoke(null, "GDN");
            Object unreachable = tier.getMethod("of", String.class, tierKind, String[].class)
                    .invoke(null, "gdn", gdn, new String[] {"http://127.0.0.1:1"});
            Class<?> clientClass = app.loadClass(GdnClient.class.getName());
            Object builder = clientClass.getMethod("builder").invoke(null);
            Class<?> builderClass = builder.getClass();
            // Method handles, as compiled code links: one method at a time. (Class.getMethod lists every method
            // of the builder, meterRegistry(MeterRegistry) included, which does need Micrometer.)
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            lookup.findVirtual(builderClass, "clientKey", MethodType.methodType(builderClass, String.class)).invoke(builder, "k");
            lookup.findVirtual(builderClass, "tier", MethodType.methodType(builderClass, tier)).invoke(builder, unreachable);
            try (AutoCloseable client = (AutoCloseable) lookup.findVirtual(builderClass, "build", MethodType.methodType(clientClass))
                    .invoke(builder)) {
                Object answer = clientClass.getMethod("evaluate", Map.class).invoke(client, Map.of("targetingKey", "u"));
                assertEquals("NONE", answer.getClass().getMethod("freshness").invoke(answer).toString(), "nothing cached, nothing up");
                Object status = clientClass.getMethod("servingStatus").invoke(client);
                assertFalse(status.toString().isEmpty());
            }
            assertTrue(urls.size() > 5, "the test ran on a real class path: " + urls);
        }
    }
}
