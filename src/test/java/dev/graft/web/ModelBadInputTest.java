package dev.graft.web;

import static dev.graft.support.BadInput.Call.delete;
import static dev.graft.support.BadInput.Call.get;
import static dev.graft.support.BadInput.Call.json;
import static dev.graft.support.BadInput.Call.upload;
import static dev.graft.support.BadInput.bad;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.BadInput;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.StoredState;
import dev.graft.support.TestDatabase;

/**
 * Bad requests to the models resource and to model imports (TorchScript and Graft artifacts):
 * each is a 4xx problem naming the descriptor field, archive entry or id at fault, and a refused
 * import keeps neither a row nor a file.
 */
@GraftServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelBadInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DESCRIPTOR = """
            {"modality": "image", "input_shape": [1, 16, 16], "output": "embeddings", "embedding_size": 16}""";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    ApiClient api;

    /** No job of an earlier class may change state (a reaped lease) while a case compares snapshots. */
    @BeforeAll
    void settledJobs() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAProblemNamingTheFaultAndKeepsNothing(BadInput input) {
        input.assertRefusedBy(api, () -> StoredState.read(jdbc, storage.root()));
    }

    Stream<BadInput> cases() {
        byte[] backbone = torchScript("tiny-backbone.pt");
        return Stream.of(
                // Reads, deletes, downloads
                bad("list of an unknown kind", get("/v1/models?kind=pretrained"), 400, "kind: must be base or fine_tuned, was 'pretrained'"),
                bad("list with a limit of -1", get("/v1/models?limit=-1"), 400, "was -1"),
                bad("list with a limit that is not a number", get("/v1/models?limit=many"), 400, "limit: has an invalid value 'many'"),
                bad("list after an unknown model", get("/v1/models?after=ft:arch-mlp:x:gone0000"), 400, "ft:arch-mlp:x:gone0000"),
                bad("list of base models after a fine-tuned id", get("/v1/models?kind=base&after=ft:arch-mlp:x:gone0000"), 400, "after: no model"),
                bad("unknown model", get("/v1/models/ft:arch-mlp:x:gone0000"), 404, "ft:arch-mlp:x:gone0000"),
                bad("delete of an unknown model", delete("/v1/models/imp_gone"), 404, "imp_gone"),
                bad("delete of a built-in base model", delete("/v1/models/arch-mlp"), 409, "arch-mlp is a built-in base model"),
                bad("artifact of an unknown model", get("/v1/models/ft:arch-mlp:x:gone0000/artifact"), 404, "ft:arch-mlp:x:gone0000"),
                bad("artifact of a base model", get("/v1/models/arch-resnet20/artifact"), 409, "arch-resnet20 is a base model"),
                bad("PUT on a model", json("/v1/models/arch-mlp", "{}").method("PUT"), 405, "'PUT' is not supported"),
                // The import form
                bad("URL import without url, sha256 or descriptor", json("/v1/models", DESCRIPTOR), 422, "url"),
                bad("URL import with a checksum that is not hex", json("/v1/models", "{\"url\": \"https://models.example.org/a.pt\", "
                        + "\"sha256\": \"xyz\", \"descriptor\": " + DESCRIPTOR + "}"), 422, "sha256"),
                bad("URL import while no host is allowed", json("/v1/models", "{\"url\": \"https://models.example.org/a.pt\", "
                        + "\"sha256\": \"" + "a".repeat(64) + "\", \"descriptor\": " + DESCRIPTOR + "}"), 422,
                        "graft.hub.allowed-hosts is empty"),
                bad("URL import of an internal address while no host is allowed", json("/v1/models", "{\"url\": "
                        + "\"http://169.254.169.254/latest/meta-data\", \"sha256\": \"" + "a".repeat(64) + "\", \"descriptor\": "
                        + DESCRIPTOR + "}"), 422, "url"),
                bad("import without a file part", importing(Multipart.form().field("descriptor", DESCRIPTOR)), 400, "file: is required"),
                bad("import without a descriptor", importing(Multipart.form().file("file", "m.pt", "application/octet-stream",
                        backbone)), 422, "descriptor: is required"),
                bad("descriptor that is not JSON", torchScriptImport(backbone, "{\"modality\": "), 422, "descriptor: is not a valid descriptor object"),
                bad("descriptor that is an array", torchScriptImport(backbone, "[1, 16, 16]"), 422, "descriptor: must be a JSON object"),
                bad("input shape that is a string", torchScriptImport(backbone, DESCRIPTOR.replace("[1, 16, 16]", "\"16x16\"")),
                        422, "descriptor.input_shape"),
                bad("embedding size beyond an int", torchScriptImport(backbone, DESCRIPTOR.replace("16}", "10000000000}")), 422,
                        "descriptor.embedding_size"),
                bad("normalisation mean holding a string", torchScriptImport(backbone,
                        withField("normalisation", "{\"mean\": [\"half\"], \"std\": [1]}")), 422, "descriptor.normalisation.mean[0]"),
                // Descriptor values
                bad("id with a slash", torchScriptImport(backbone, withField("id", "\"../escape\"")), 422, "descriptor.id"),
                bad("id of a built-in base model", torchScriptImport(backbone, withField("id", "\"arch-mlp\"")), 409, "'arch-mlp' already exists"),
                bad("unknown format", torchScriptImport(backbone, withField("format", "\"onnx\"")), 422, "descriptor.format"),
                bad("text modality for TorchScript", torchScriptImport(backbone, DESCRIPTOR.replace("image", "text")), 422,
                        "descriptor.modality"),
                bad("two-channel input", torchScriptImport(backbone, DESCRIPTOR.replace("[1, 16, 16]", "[2, 16, 16]")), 422,
                        "descriptor.input_shape"),
                bad("input of 5000 x 5000 pixels", torchScriptImport(backbone, DESCRIPTOR.replace("[1, 16, 16]", "[1, 5000, 5000]")),
                        422, "descriptor.input_shape"),
                bad("input shape without a width", torchScriptImport(backbone, DESCRIPTOR.replace("[1, 16, 16]", "[1, 16]")), 422,
                        "descriptor.input_shape"),
                bad("negative input side", torchScriptImport(backbone, DESCRIPTOR.replace("[1, 16, 16]", "[1, -16, 16]")), 422,
                        "descriptor.input_shape"),
                bad("unknown output kind", torchScriptImport(backbone, DESCRIPTOR.replace("embeddings", "probabilities")), 422,
                        "descriptor.output"),
                bad("embedding size of zero", torchScriptImport(backbone, DESCRIPTOR.replace("16}", "0}")), 422,
                        "descriptor.embedding_size"),
                bad("normalisation with a mean per RGB channel for a grey input", torchScriptImport(backbone,
                        withField("normalisation", "{\"mean\": [0.5, 0.5, 0.5], \"std\": [0.2]}")), 422, "descriptor.normalisation.mean"),
                bad("normalisation with a zero std", torchScriptImport(backbone,
                        withField("normalisation", "{\"mean\": [0.5], \"std\": [0]}")), 422, "descriptor.normalisation.std"),
                // The uploaded file
                bad("file that is not TorchScript", torchScriptImport(torchScript("corrupt.pt"), DESCRIPTOR), 422, "file: is not a TorchScript module"),
                bad("empty TorchScript file", torchScriptImport(new byte[0], DESCRIPTOR), 422, "file: is not a TorchScript module"),
                bad("embedding size the module does not return", torchScriptImport(backbone, DESCRIPTOR.replace("16}", "32}")), 422,
                        "descriptor.embedding_size"),
                bad("input shape the module cannot take", torchScriptImport(backbone, DESCRIPTOR.replace("[1, 16, 16]", "[3, 16, 16]")),
                        422, "descriptor.input_shape"),
                bad("Graft import of a file that is not a zip", graftImport("{}".getBytes(StandardCharsets.UTF_8), null), 422, "not a ZIP"),
                bad("Graft import of an empty file", graftImport(new byte[0], null), 422, "file: the file is empty"),
                bad("Graft artifact with a .. entry", graftImport(zip("../graft-model.json", "{}"), null), 422, "../graft-model.json"),
                // One top folder is how the download lays the files out (accepted); a folder below it is not.
                bad("Graft artifact with a nested folder", graftImport(zip("ft_x/nested/graft-model.json", "{}"), null), 422,
                        "ft_x/nested/"),
                bad("Graft artifact without graft-model.json", graftImport(zip("weights.params", "x"), null), 422, "graft-model.json"),
                bad("Graft artifact of 17 files", graftImport(seventeenFiles(), null), 422, "this archive has more than 16"),
                bad("Graft artifact whose descriptor is garbage", graftImport(zip("graft-model.json", "{\"formatVersion\": \"x\""), null),
                        422, "graft-model.json: is not a Graft model descriptor"),
                bad("Graft image artifact declared as text", graftImport(shippedArtifact(), "text"), 422, "descriptor.modality"),
                bad("Graft artifact with an unknown modality", graftImport(shippedArtifact(), "audio"), 422, "descriptor.modality"),
                // What a Graft artifact's own descriptor may ask for
                bad("Graft artifact whose weightsFile is an absolute host path", graftImport(descriptorOnly(
                        d -> d.put("weightsFile", "/etc/passwd")), null), 422, "graft-model.json: weightsFile must be the plain name"),
                bad("Graft artifact whose weightsFile is a host path that does not exist", graftImport(descriptorOnly(
                        d -> d.put("weightsFile", "/etc/graft-nothere")), null), 422, "not '/etc/graft-nothere'"),
                bad("Graft artifact whose weightsFile climbs out with ..", graftImport(shippedArtifact(
                        d -> d.put("weightsFile", "../weights.params")), null), 422, "not '../weights.params'"),
                bad("Graft artifact whose weightsFile is not in the archive", graftImport(shippedArtifact(
                        d -> d.put("weightsFile", "other.params")), null), 422, "'other.params', which is not a file in the artifact"),
                bad("Graft artifact with a layer 100000 channels wide", graftImport(shippedArtifact(
                        d -> d.withObject("architecture").putArray("widths").add(16).add(32).add(100_000)), null), 422,
                        "architecture.widths: each must be 1 to 4096"),
                bad("Graft artifact whose network would have 45 million parameters", graftImport(shippedArtifact(d -> {
                    ObjectNode architecture = d.withObject("architecture");
                    architecture.put("id", "arch-mlp").put("modality", "TABULAR");
                    architecture.putArray("inputShape").add(20_000);
                    architecture.putArray("widths").add(2048).add(2048);
                    architecture.put("embeddingSize", 2048);
                }), null), 422, "parameters; at most 30000000"),
                bad("Graft artifact of an architecture Graft does not build", graftImport(shippedArtifact(
                        d -> d.withObject("architecture").put("id", "arch-transformer-xxl")), null), 422, "architecture.id"),
                bad("Graft artifact with a single label", graftImport(shippedArtifact(
                        d -> d.putArray("labels").add("only")), null), 422, "labels: must hold 2 to"),
                bad("Graft artifact whose weights are far larger than its network", graftImport(withWeights(new byte[3 << 20]), null), 422,
                        "needs at most"),
                bad("descriptor part over 64 KB", torchScriptImport(backbone, withField("name", "\"" + "n".repeat(70_000) + "\"")),
                        422, "descriptor: is 70107 bytes"));
    }

    private static BadInput.Call importing(Multipart form) {
        return upload("/v1/models", form);
    }

    private static BadInput.Call torchScriptImport(byte[] file, String descriptor) {
        return importing(Multipart.form().file("file", "module.pt", "application/octet-stream", file)
                .file("descriptor", "descriptor.json", "application/json", descriptor.getBytes(StandardCharsets.UTF_8)));
    }

    private static BadInput.Call graftImport(byte[] file, String modality) {
        String descriptor = "{\"format\": \"graft\"" + (modality == null ? "" : ", \"modality\": \"" + modality + "\"") + "}";
        return torchScriptImport(file, descriptor);
    }

    private static String withField(String name, String json) {
        return DESCRIPTOR.substring(0, DESCRIPTOR.lastIndexOf('}')) + ", \"" + name + "\": " + json + "}";
    }

    private static byte[] zip(String entry, String content) {
        return Fixtures.zip(Map.of(entry, content.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] seventeenFiles() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 17; i++) {
            entries.put("file" + i + ".txt", new byte[] {1});
        }
        return Fixtures.zip(entries);
    }

    /** A real Graft artifact: the shipped MNIST base, an image model. */
    private static byte[] shippedArtifact() {
        return Fixtures.zip(shippedFiles());
    }

    /** The shipped artifact with its descriptor edited. */
    private static byte[] shippedArtifact(Consumer<ObjectNode> edit) {
        Map<String, byte[]> entries = shippedFiles();
        entries.put("graft-model.json", edited(entries.get("graft-model.json"), edit));
        return Fixtures.zip(entries);
    }

    /** The shipped artifact's edited descriptor alone, as an import that reads a host file would send it. */
    private static byte[] descriptorOnly(Consumer<ObjectNode> edit) {
        return Fixtures.zip(Map.of("graft-model.json", edited(shippedFiles().get("graft-model.json"), edit)));
    }

    private static byte[] withWeights(byte[] weights) {
        Map<String, byte[]> entries = shippedFiles();
        entries.put("weights.params", weights);
        return Fixtures.zip(entries);
    }

    private static byte[] edited(byte[] descriptor, Consumer<ObjectNode> edit) {
        ObjectNode node = (ObjectNode) JSON.readTree(descriptor);
        edit.accept(node);
        return JSON.writeValueAsBytes(node);
    }

    private static Map<String, byte[]> shippedFiles() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String file : new String[] {"graft-model.json", "weights.params"}) {
            try (InputStream in = ModelBadInputTest.class.getResourceAsStream("/catalog/mnist-cnn-small/" + file)) {
                entries.put(file, in.readAllBytes());
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return entries;
    }

    private static byte[] torchScript(String name) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/torchscript", name));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
