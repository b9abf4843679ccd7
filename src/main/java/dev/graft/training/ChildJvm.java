package dev.graft.training;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The command that starts another JVM on Graft's own classpath, running {@code mainClass}: from
 * the classes directory (IDE, {@code mvn spring-boot:run}, tests) or from the executable jar,
 * whose nested jars only Spring Boot's launcher can read.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static List<String> command(List<String> jvmOptions, String mainClass) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        String classpath = System.getProperty("java.class.path");
        if (!classpath.contains(File.pathSeparator) && classpath.endsWith(".jar") && isBootJar(classpath)) {
            command.addAll(List.of("-cp", classpath, "-Dloader.main=" + mainClass,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        }
        else {
            command.addAll(List.of("-cp", classpath, mainClass));
        }
        return command;
    }

    private static boolean isBootJar(String jar) {
        try (JarFile file = new JarFile(jar)) {
            return file.getEntry("BOOT-INF/") != null;
        }
        catch (IOException e) {
            return false;
        }
    }
}
