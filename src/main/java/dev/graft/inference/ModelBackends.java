package dev.graft.inference;

import java.nio.file.Files;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import dev.graft.basemodel.TorchScriptModule;
import dev.graft.job.DaemonScheduler;
import dev.graft.model.ServableModel;
import dev.graft.training.Engines;
import dev.graft.training.ModelArtifact;
import dev.graft.training.TrainingProperties;

/**
 * Decides where a model runs. A model whose artifact holds TorchScript (an imported module, kept
 * next to the weights of every model fine-tuned from it) runs in a process of its own, as that
 * module is code its uploader wrote; every other model is Graft's own layers and runs here.
 */
@Component
class ModelBackends {

    private final InferenceProperties properties;
    private final TrainingProperties engine;
    private final ScheduledExecutorService watchdog = DaemonScheduler.create("graft-model-process-watchdog", 1);

    ModelBackends(InferenceProperties properties, TrainingProperties engine) {
        this.properties = properties;
        this.engine = engine;
    }

    ModelBackend load(ServableModel model) {
        if (holdsTorchScript(model)) {
            return IsolatedModel.open(new ModelProcess.Launch(model.id(), model.directory(),
                    model.descriptor().labels().size(), properties.isolation().jvmOptions(), engine.dataDirectory(),
                    engine.threads(), properties.isolation().startTimeout(), watchdog), model.descriptor(), properties);
        }
        // DJL reads its offline and cache settings once, on first use: start it Graft's way.
        Engines.ensureStarted(engine.dataDirectory(), engine.threads());
        return ModelBackend.inProcess(ModelArtifact.load(model.directory()));
    }

    /** By the descriptor, and by the file as well: either one is enough to keep the model out of this process. */
    static boolean holdsTorchScript(ServableModel model) {
        return TorchScriptModule.ARCHITECTURE_ID.equals(model.descriptor().architecture().id())
                || Files.exists(model.directory().resolve(TorchScriptModule.FILE_NAME));
    }

    @PreDestroy
    void stop() {
        watchdog.shutdownNow();
    }
}
