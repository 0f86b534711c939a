package dev.gradcamviewer.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The program's version, as the pom says (written into a resource at build time). */
public final class AppVersion {
    private static final String VERSION = read();

    private AppVersion() { }

    public static String get() { return VERSION; }

    private static String read() {
        try (InputStream in = AppVersion.class.getResourceAsStream("/dev/gradcamviewer/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
