package dev.graft.inference;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.JsonNode;

import dev.graft.security.Caller;

/**
 * KServe V1's predict verb, {@code POST /v1/models/<id>:predict}. Fine-tuned ids contain colons
 * ({@code ft:arch-mlp:e2e:AbCd1234}); the {@code {id}} capture is greedy, so only the last
 * {@code :predict} is the verb.
 */
@RestController
class PredictionController {

    private final InferenceService inference;

    PredictionController(InferenceService inference) {
        this.inference = inference;
    }

    @PostMapping(path = "/v1/models/{id}:predict", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Predictions predict(Caller caller, @PathVariable String id, @RequestBody JsonNode body,
            @RequestParam(name = "top_k", required = false) Integer topK) {
        return inference.predict(caller, id, body, topK);
    }

    @PostMapping(path = "/v1/models/{id}:predict", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Predictions predictFiles(Caller caller, @PathVariable String id, @RequestPart("file") List<MultipartFile> files,
            @RequestParam(name = "top_k", required = false) Integer topK) throws IOException {
        List<byte[]> images = new ArrayList<>(files.size());
        for (MultipartFile file : files) {
            images.add(file.getBytes());
        }
        return inference.predictFiles(caller, id, images, topK);
    }
}
