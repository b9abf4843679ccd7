package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/**
 * {@code POST /v1/models} with a JSON body: a TorchScript module or Graft artifact fetched from a
 * URL (see {@link HubDownload}) and checked against the SHA-256 the caller gives, then imported
 * exactly as an upload is ({@link TorchScriptImport}). The descriptor and id are checked before a
 * byte is downloaded.
 */
@Service
public class UrlImport {

    private static final Logger log = LoggerFactory.getLogger(UrlImport.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final HubDownload downloads;
    private final TorchScriptImport imports;
    private final ImportDescriptors descriptors;
    private final BaseModelCatalog catalog;

    UrlImport(HubDownload downloads, TorchScriptImport imports, JsonMapper json, BaseModelCatalog catalog) {
        this.downloads = downloads;
        this.imports = imports;
        this.descriptors = new ImportDescriptors(json);
        this.catalog = catalog;
    }

    /** Fetches, verifies and imports; the caller holds an import slot. */
    public ImportedBase importFrom(String tenantId, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        URI url = url(body, errors);
        String sha256 = text(body, "sha256");
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            errors.add(new FieldError("sha256", "is required: the file's SHA-256 as 64 lower-case hex digits"));
        }
        JsonNode descriptor = body.get("descriptor");
        if (descriptor == null || !descriptor.isObject()) {
            errors.add(new FieldError("descriptor", "is required: a JSON object, as for an upload"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        String descriptorJson = descriptor.toString();
        precheck(descriptorJson);
        Path file;
        try {
            file = downloads.fetch(tenantId, url, sha256);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write the download of " + url + " to the artifact store", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            ImportedBase base = imports.importModel(tenantId, in, descriptorJson);
            log.info("Imported {} from {} (sha256 {})", base.id(), url, sha256);
            return base;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        finally {
            // Verified or not, the import has its own copy now or refused the file: the part is spent.
            deleteQuietly(file);
        }
    }

    /** What {@link TorchScriptImport#importModel} would refuse about the descriptor, refused before downloading. */
    private void precheck(String descriptorJson) {
        ImportDescriptors.Descriptor d = descriptors.parse(descriptorJson);
        List<FieldError> errors = ImportedBase.GRAFT.equals(d.format()) ? ImportDescriptors.validateGraft(d)
                : ImportDescriptors.validate(d);
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        if (d.id() != null && catalog.idTaken(d.id())) {
            throw TorchScriptImport.taken(d.id());
        }
    }

    private static URI url(JsonNode body, List<FieldError> errors) {
        String text = text(body, "url");
        if (text == null || text.isBlank()) {
            errors.add(new FieldError("url", "is required: the http or https URL of the file"));
            return null;
        }
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute()) {
                errors.add(new FieldError("url", "must be an absolute http or https URL"));
            }
            return uri;
        }
        catch (URISyntaxException e) {
            errors.add(new FieldError("url", "is not a valid URL: " + e.getReason()));
            return null;
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node != null && node.isString() ? node.asString() : null;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            log.warn("Cannot delete the downloaded file {}: {}", file, e.toString());
        }
    }
}
