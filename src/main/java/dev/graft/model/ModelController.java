package dev.graft.model;

import org.springframework.http.ContentDisposition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;

import dev.graft.basemodel.TorchScriptImport;
import dev.graft.security.Caller;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ListPage;

@RestController
@RequestMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelController {

    /** A descriptor is a few fields; Spring read any size into a string before. */
    private static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;

    private final ModelService models;

    ModelController(ModelService models) {
        this.models = models;
    }

    @GetMapping
    ListPage<ModelView> list(Caller caller, @RequestParam(name = "kind", required = false) String kind,
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return models.list(caller, kind, after, limit);
    }

    /**
     * Imports a TorchScript module or a Graft artifact as a base model: a {@code file} part and a
     * {@code descriptor} JSON part. The form is parsed lazily (spring.servlet.multipart.resolve-lazily),
     * so the quota and an import slot are checked before the upload is read.
     */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ModelView> importModel(Caller caller, MultipartHttpServletRequest form) throws IOException {
        try (TorchScriptImport.ImportSlot slot = models.startImport(caller)) {
            MultipartFile file = form.getFile("file");
            if (file == null) {
                throw ApiProblem.invalidField("file", "is required (a multipart form part)");
            }
            String descriptor = descriptor(form);
            try (InputStream in = file.getInputStream()) {
                ModelView model = models.importTorchScript(caller, in, descriptor);
                return ResponseEntity.status(HttpStatus.CREATED).body(model);
            }
        }
    }

    /**
     * Imports a TorchScript module or a Graft artifact from a URL: {@code {"url", "sha256",
     * "descriptor"}}. The server fetches it, within {@code graft.hub.*}'s rules, in an import slot.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ModelView> importFromUrl(Caller caller, @RequestBody JsonNode body) {
        try (TorchScriptImport.ImportSlot slot = models.startImport(caller)) {
            return ResponseEntity.status(HttpStatus.CREATED).body(models.importFromUrl(caller, body));
        }
    }

    /** The descriptor, sent as a JSON file part or a plain field; null when absent. */
    private static String descriptor(MultipartHttpServletRequest form) throws IOException {
        MultipartFile part = form.getFile("descriptor");
        if (part == null) {
            return form.getParameter("descriptor");
        }
        if (part.getSize() > MAX_DESCRIPTOR_BYTES) {
            throw ApiProblem.unprocessable(List.of(new FieldError("descriptor", "is " + part.getSize()
                    + " bytes; a descriptor has at most " + MAX_DESCRIPTOR_BYTES)));
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readNBytes(MAX_DESCRIPTOR_BYTES), StandardCharsets.UTF_8);
        }
    }

    @GetMapping("/{id}")
    ModelView get(Caller caller, @PathVariable String id) {
        return models.get(caller, id);
    }

    @DeleteMapping("/{id}")
    ModelDeleted delete(Caller caller, @PathVariable String id) {
        return models.delete(caller, id);
    }

    @GetMapping(path = "/{id}/artifact", produces = { "application/zip", MediaType.APPLICATION_JSON_VALUE })
    ResponseEntity<StreamingResponseBody> artifact(Caller caller, @PathVariable String id) {
        ModelService.ModelArchive archive = models.archive(caller, id);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/zip"))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(archive.fileName()).build().toString())
                .body(archive::writeTo);
    }
}
