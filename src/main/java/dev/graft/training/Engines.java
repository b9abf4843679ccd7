package dev.graft.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine once per JVM, offline and with its native cache under Graft's data
 * directory. Every entry point that touches DJL (training, artifact loading) calls
 * {@link #ensureStarted} first, because DJL reads these properties the first time the Engine class
 * is used and never again.
 */
public final class Engines {

    private static final Logger log = LoggerFactory.getLogger(Engines.class);
    static final String ENGINE = "PyTorch";

    private static Engine engine;
    private static Path dataDirectory = Path.of("data");

    private Engines() {
    }

    /**
     * Starts the engine (first call only) and sets PyTorch's intra-op thread count.
     *
     * @param dataDirectory Graft's data directory; DJL's native cache goes under {@code djl/}
     * @param threads intra-op threads for PyTorch, or 0 to keep PyTorch's default
     * @return the started engine
     * @throws IllegalStateException with the cause when the native library cannot be loaded
     */
    public static synchronized Engine ensureStarted(Path dataDirectory, int threads) {
        if (engine == null) {
            Engines.dataDirectory = dataDirectory;
            // Without these DJL probes an EC2 metadata address and may try to download natives.
            System.setProperty("ai.djl.offline", "true");
            System.setProperty("OPT_OUT_TRACKING", "true");
            Path cache = dataDirectory.resolve("djl").toAbsolutePath();
            setIfAbsent("DJL_CACHE_DIR", cache.toString());
            setIfAbsent("ENGINE_CACHE_DIR", cache.resolve("engines").toString());
            try {
                engine = Engine.getEngine(ENGINE);
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("Cannot start DJL's PyTorch engine (native library "
                        + "did not load; is pytorch-native-cpu on the classpath, or "
                        + "PYTORCH_LIBRARY_PATH set on GPU hosts?): " + e.getMessage(), e);
            }
            log.info("DJL engine {} {} started; devices {}", engine.getEngineName(),
                    engine.getVersion(), Arrays.toString(engine.getDevices()));
        }
        setThreads(threads);
        return engine;
    }

    /** The data directory the engine was started with (native caches, extracted encoders). */
    static synchronized Path dataDirectory() {
        return dataDirectory;
    }

    /** Same as {@link #ensureStarted(Path, int)} with Graft's default data directory. */
    public static Engine ensureStarted(int threads) {
        return ensureStarted(Path.of(System.getProperty("graft.data-directory", "data")), threads);
    }

    // ai.djl.pytorch.num_threads is read only when the engine starts; later changes (a test asking
    // for one thread for bit-exact results) go straight to at::set_num_threads.
    private static void setThreads(int threads) {
        if (threads > 0 && JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
            log.info("PyTorch intra-op threads set to {}", threads);
        }
    }

    /**
     * Turns autograd recording off on the calling thread. PyTorch's grad mode is thread-local
     * and on by default; DJL switches it off only on the thread that started the engine. On any
     * other thread, forward passes would record graphs, and the optimiser's in-place updates
     * fail with "a leaf Variable that requires grad is being used in an in-place operation".
     */
    static void disableGradientsOnThisThread() {
        JniUtils.setGradMode(false);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
