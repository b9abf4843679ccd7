package dev.graft.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.graft.model.ModelServing;
import dev.graft.model.ServableModel;
import dev.graft.web.ApiProblem;

/**
 * The models loaded for prediction: an LRU cache bounded by count and by an approximate memory
 * budget (artifact sizes). A model loads on first use, once however many requests wait for it;
 * an evicted model finishes its queued requests before its native memory is freed.
 */
@Component
class LoadedModels implements ModelServing {

    private static final Logger log = LoggerFactory.getLogger(LoadedModels.class);

    private static final class Slot {
        final CompletableFuture<ServedModel> model = new CompletableFuture<>();
        final long bytes;

        Slot(long bytes) {
            this.bytes = bytes;
        }
    }

    private final InferenceProperties properties;
    private final ModelBackends backends;
    private final InferenceMetrics metrics;
    // Access order: iteration starts at the least recently used model.
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
    // Ids of deleted models (ids are never reused), so a request that found the model just before
    // its delete cannot load it back into memory; bounded, as only recent deletes can race.
    private final Set<String> deleted = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1024;
        }
    });

    LoadedModels(InferenceProperties properties, ModelBackends backends, InferenceMetrics metrics) {
        this.properties = properties;
        this.backends = backends;
        this.metrics = metrics;
        metrics.loadedModels(this, LoadedModels::loadedCount);
    }

    /** The loaded model, loading it (and evicting others) if needed. */
    ServedModel acquire(ServableModel model) {
        Slot slot;
        boolean mine = false;
        synchronized (this) {
            if (deleted.contains(model.id())) {
                throw ApiProblem.notFound("model", model.id());
            }
            slot = slots.get(model.id());
            if (slot == null || slot.model.isCompletedExceptionally()) {
                slot = new Slot(model.bytes());
                slots.put(model.id(), slot);
                mine = true;
            }
        }
        if (mine) {
            metrics.miss();
            load(model, slot);
        }
        else {
            metrics.hit();
        }
        try {
            return slot.model.join();
        }
        catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public String loadStatus(String id) {
        return status(id);
    }

    synchronized String status(String id) {
        // Not slots.get: in an access-ordered map that would count as a use.
        Slot slot = slots.entrySet().stream().filter(e -> e.getKey().equals(id)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        if (slot == null) {
            return "not_loaded";
        }
        if (!slot.model.isDone()) {
            return "loading";
        }
        return slot.model.isCompletedExceptionally() ? "failed" : "loaded";
    }

    @Override
    public void deleted(String id) {
        synchronized (this) {
            deleted.add(id);
        }
        unload(id);
    }

    private void unload(String id) {
        Slot slot;
        synchronized (this) {
            slot = slots.remove(id);
        }
        if (slot != null) {
            slot.model.thenAccept(ServedModel::close);
            log.info("Model {} unloaded", id);
        }
    }

    synchronized int loadedCount() {
        return (int) slots.values().stream().filter(s -> s.model.isDone() && !s.model.isCompletedExceptionally()).count();
    }

    @PreDestroy
    void closeAll() {
        List<String> ids;
        synchronized (this) {
            ids = new ArrayList<>(slots.keySet());
        }
        ids.forEach(this::unload);
    }

    private void load(ServableModel model, Slot slot) {
        long start = System.nanoTime();
        try {
            slot.model.complete(new ServedModel(model.id(), backends.load(model), model.bytes(), properties, metrics));
            log.info("Model {} loaded in {} ms", model.id(), (System.nanoTime() - start) / 1_000_000);
            boolean gone;
            synchronized (this) {
                gone = deleted.contains(model.id());
            }
            if (gone) {
                // Deleted while it loaded: its waiting requests are answered, then it is freed.
                unload(model.id());
                return;
            }
        }
        catch (RuntimeException | Error e) {
            log.warn("Model {} failed to load: {}", model.id(), e.toString());
            slot.model.completeExceptionally(e);
            return;
        }
        evictBeyondBudget(model.id());
    }

    /** Evicts least recently used, fully loaded models until the cache is within both bounds. */
    private void evictBeyondBudget(String keep) {
        List<Map.Entry<String, Slot>> evicted = new ArrayList<>();
        synchronized (this) {
            long bytes = slots.values().stream().mapToLong(s -> s.bytes).sum();
            int count = slots.size();
            Iterator<Map.Entry<String, Slot>> eldestFirst = slots.entrySet().iterator();
            while ((count > properties.cache().maxModels() || bytes > properties.cache().maxMemory().toBytes())
                    && eldestFirst.hasNext()) {
                Map.Entry<String, Slot> entry = eldestFirst.next();
                if (entry.getKey().equals(keep) || !entry.getValue().model.isDone()) {
                    continue;
                }
                eldestFirst.remove();
                evicted.add(entry);
                count--;
                bytes -= entry.getValue().bytes;
            }
        }
        for (Map.Entry<String, Slot> entry : evicted) {
            if (!entry.getValue().model.isCompletedExceptionally()) {
                entry.getValue().model.join().close();
                metrics.eviction();
                log.info("Model {} evicted from the prediction cache", entry.getKey());
            }
        }
    }
}
