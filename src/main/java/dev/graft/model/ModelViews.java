package dev.graft.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.graft.basemodel.BaseModelCatalog.CatalogEntry;
import dev.graft.basemodel.SentenceEncoderSpec;
import dev.graft.basemodel.SentenceEncoding;
import dev.graft.training.ModelDescriptor;
import dev.graft.training.Preprocessing;

/** Builds {@link ModelView}s from catalog entries and registry rows with their descriptors. */
final class ModelViews {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** The key under which the worker stores a compare_baseline job's report in the model's report. */
    static final String TRANSFER_REPORT = "transfer_report";

    private final JsonMapper json;

    ModelViews(JsonMapper json) {
        this.json = json;
    }

    static ModelView base(CatalogEntry entry) {
        // Base inputs are adapted on the way in: channels converted and images resized to this shape.
        ModelView.Input input = entry.inputShape() == null ? null : new ModelView.Input(entry.inputShape(), Map.of());
        return new ModelView(entry.id(), "model", "base", entry.modality(), "not_servable", null, null, null, input, null,
                null, entry.pretrained(), entry.strategies(), entry.description(), entry.embeddingSize(), entry.licence(),
                entry.source(), entry.available(), entry.unavailableReason(), entry.sourceTask(), entry.sourceAccuracy(), null);
    }

    ModelView fineTuned(ModelRegistry.ModelRow row, ModelDescriptor descriptor, String status, CatalogEntry asBase) {
        return new ModelView(row.id(), "model", "fine_tuned", row.modality(), status, row.createdAt().getEpochSecond(),
                row.bytes(), json.readValue(row.labels(), STRINGS), descriptor == null ? null : input(descriptor),
                new ModelView.Lineage(row.baseModel(), row.jobId(), row.datasetId()), evaluation(row.report(), row.jobId()),
                asBase.pretrained(), asBase.strategies(), asBase.description(), null, null, asBase.source(), true, null,
                null, null, transferReport(row.report()));
    }

    /**
     * The report as the worker stored it, without the transfer report and with the per-epoch
     * history referenced rather than inlined: it is the job's result file (one CSV row per epoch),
     * which a client downloads once instead of with every model listing.
     */
    private JsonNode evaluation(String report, String jobId) {
        if (report == null) {
            return null;
        }
        JsonNode node = json.readTree(report);
        if (node instanceof ObjectNode object) {
            object.remove("history");
            object.remove(TRANSFER_REPORT);
            if (jobId != null) {
                object.putArray("result_files").add("/v1/fine_tuning/jobs/" + jobId + "/results");
            }
        }
        return node;
    }

    /** The job's {@code compare_baseline} verdict and figures, stored with the model's report; null without one. */
    private JsonNode transferReport(String report) {
        JsonNode node = report == null ? null : json.readTree(report).get(TRANSFER_REPORT);
        return node == null || node.isNull() ? null : node;
    }

    static ModelView.Input input(ModelDescriptor descriptor) {
        Preprocessing p = descriptor.preprocessing();
        Map<String, Object> steps = new LinkedHashMap<>();
        switch (p.modality()) {
            case IMAGE -> {
                steps.put("type", "image");
                steps.put("decode", "PNG or JPEG, converted to RGB");
                steps.put("resize", List.of(p.image().height(), p.image().width()));
                steps.put("interpolation", "bilinear");
                steps.put("channels", p.image().channels());
                steps.put("scale", "pixel / 255");
                steps.put("mean", p.image().mean());
                steps.put("std", p.image().std());
            }
            case TABULAR -> {
                steps.put("type", "tabular");
                steps.put("features", p.tabular().mean().length);
                steps.put("standardize", "(x - mean) / std");
                steps.put("mean", p.tabular().mean());
                steps.put("std", p.tabular().std());
            }
            case TEXT -> {
                steps.put("type", "text");
                if (p.sentenceEncoder() != null) {
                    // Artifacts made before encodings were recorded embed with the encoder's default.
                    SentenceEncoding e = p.sentenceEncoding() != null ? p.sentenceEncoding()
                            : SentenceEncoderSpec.find(p.sentenceEncoder()).map(SentenceEncoderSpec::encoding).orElse(null);
                    steps.put("sentence_encoder", p.sentenceEncoder());
                    if (e != null) {
                        steps.put("prefix", e.prefix());
                        steps.put("max_tokens", e.maxTokens());
                        steps.put("pooling", e.pooling().wireName());
                        steps.put("normalise", e.normalise());
                    }
                }
                else {
                    steps.put("tokenize", "lower-case words (letters and digits)");
                    steps.put("max_tokens", p.text().maxTokens());
                    steps.put("vocabulary_size", p.text().size());
                }
            }
        }
        return new ModelView.Input(descriptor.architecture().inputShape(), steps);
    }
}
