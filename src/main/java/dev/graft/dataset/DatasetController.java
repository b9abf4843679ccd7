package dev.graft.dataset;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.graft.web.ListPage;

@RestController
@RequestMapping(path = "/v1/datasets", produces = MediaType.APPLICATION_JSON_VALUE)
class DatasetController {

    private final DatasetService datasets;

    DatasetController(DatasetService datasets) {
        this.datasets = datasets;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    DatasetView upload(@RequestPart("file") MultipartFile file,
            @RequestParam(name = "format", required = false) String format,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "validation_fraction", required = false) Double validationFraction,
            @RequestParam(name = "seed", required = false) Long seed,
            @RequestParam(name = "label_column", required = false) String labelColumn,
            @RequestParam(name = "text_column", required = false) String textColumn) throws IOException {
        NewDataset request = new NewDataset(name, format, file.getOriginalFilename(), validationFraction, seed,
                labelColumn, textColumn);
        // Tomcat has already spooled the part to a temporary file; this streams it on into the
        // artifact store without holding the upload in memory.
        try (InputStream content = file.getInputStream()) {
            return datasets.create(request, content);
        }
    }

    @GetMapping
    ListPage<DatasetView> list(@RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return datasets.list(after, limit);
    }

    @GetMapping("/{id}")
    DatasetView get(@PathVariable String id) {
        return datasets.get(id);
    }

    @GetMapping("/{id}/split")
    DatasetSplitView split(@PathVariable String id) {
        return datasets.split(id);
    }

    @DeleteMapping("/{id}")
    DatasetDeleted delete(@PathVariable String id) {
        return datasets.delete(id);
    }
}
