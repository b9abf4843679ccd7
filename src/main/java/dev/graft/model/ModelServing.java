package dev.graft.model;

/**
 * The serving side's view of a model, implemented by the inference feature; this interface keeps
 * the dependency one-way (inference uses models, models only see this).
 */
public interface ModelServing {

    /** {@code not_loaded}, {@code loading}, {@code loaded} or {@code failed}. */
    String loadStatus(String modelId);

    /**
     * The model was deleted: drops it from memory (requests already queued finish) and never loads it
     * again, even for a request that looked it up just before the delete.
     */
    void deleted(String modelId);
}
