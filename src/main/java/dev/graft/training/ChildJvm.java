package dev.graft.training;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The command that starts another JVM on Graft's own classpath, running {@code mainClass}: from
 * the classes directory (IDE, {@code mvn spring-boot:run}, tests) or from the executable jar,
 * whose nested jars only Spring Boot's launcher can read.
 */
public final class ChildJvm {

    /**
     * What an isolated child keeps of this process's environment: what the JVM and libtorch need to
     * start, nothing that could hold a secret (database credentials, the admin key and every other
     * {@code GRAFT_*} or {@code SPRING_*} setting, {@code JAVA_TOOL_OPTIONS}, {@code LD_PRELOAD}).
     */
    private static final Set<String> ISOLATED_ENVIRONMENT = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
            "TMPDIR", "LD_LIBRARY_PATH", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR",
            "PYTORCH_PRECXX11", "OMP_NUM_THREADS");

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

    /**
     * A child JVM for code Graft does not trust (an uploaded TorchScript module): its command line
     * carries only {@code jvmOptions}, the classpath and {@code arguments}, and its environment only
     * the variables above. No system property of this process is passed on.
     */
    public static ProcessBuilder isolated(List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>(command(jvmOptions, mainClass));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().retainAll(ISOLATED_ENVIRONMENT);
        return builder;
    }

    /**
     * Called first in a child's main: ends the child when its parent ends, even while the child is
     * stuck in uploaded code that never returns and never reads the pipe or socket that closed.
     */
    public static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
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
