package dev.graft.model;

import org.springframework.http.ContentDisposition;
import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.graft.security.Caller;
import dev.graft.web.ListPage;

@RestController
@RequestMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
class ModelController {

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

    /** Imports a TorchScript module as a base model: a {@code file} part and a {@code descriptor} JSON part. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ModelView> importModel(Caller caller, @RequestPart("file") MultipartFile file,
            @RequestPart(name = "descriptor", required = false) String descriptor) throws IOException {
        try (InputStream in = file.getInputStream()) {
            ModelView model = models.importTorchScript(caller, in, descriptor);
            return ResponseEntity.status(HttpStatus.CREATED).body(model);
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
