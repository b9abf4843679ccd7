package dev.graft.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

import dev.graft.security.Caller;
import dev.graft.security.Limits;
import dev.graft.web.ApiProblem;
import dev.graft.web.ListPage;

@RestController
@RequestMapping(path = "/v1/datasets", produces = MediaType.APPLICATION_JSON_VALUE)
class DatasetController {

    private final DatasetService datasets;
    private final Limits limits;

    DatasetController(DatasetService datasets, Limits limits) {
        this.datasets = datasets;
        this.limits = limits;
    }

    /**
     * Multipart bodies are parsed lazily (spring.servlet.multipart.resolve-lazily), so the tenant's
     * upload slot is taken before the body is read: an upload beyond the tenant's limit is refused
     * before it uses disk or CPU. Tomcat spools the file part to a temporary file; it is streamed on
     * into the artifact store without being held in memory.
     */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    DatasetView upload(Caller caller, MultipartHttpServletRequest form) throws IOException {
        try (Limits.UploadSlot slot = limits.startUpload(caller)) {
            MultipartFile file = form.getFile("file");
            if (file == null) {
                throw ApiProblem.invalidField("file", "is required (a multipart form part)");
            }
            NewDataset request = new NewDataset(form.getParameter("name"), form.getParameter("format"),
                    file.getOriginalFilename(), number(form, "validation_fraction", Double::valueOf),
                    number(form, "seed", Long::valueOf), form.getParameter("label_column"), form.getParameter("text_column"));
            try (InputStream content = file.getInputStream()) {
                return datasets.create(caller, request, content);
            }
        }
    }

    private static <T> T number(MultipartHttpServletRequest form, String name, Function<String, T> parse) {
        String value = form.getParameter(name);
        if (value == null) {
            return null;
        }
        try {
            return parse.apply(value.strip());
        }
        catch (NumberFormatException e) {
            throw ApiProblem.invalidField(name, "has an invalid value '" + value + "'");
        }
    }

    @GetMapping
    ListPage<DatasetView> list(Caller caller, @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return datasets.list(caller, after, limit);
    }

    @GetMapping("/{id}")
    DatasetView get(Caller caller, @PathVariable String id) {
        return datasets.get(caller, id);
    }

    @GetMapping("/{id}/split")
    DatasetSplitView split(Caller caller, @PathVariable String id) {
        return datasets.split(caller, id);
    }

    @DeleteMapping("/{id}")
    DatasetDeleted delete(Caller caller, @PathVariable String id) {
        return datasets.delete(caller, id);
    }
}
