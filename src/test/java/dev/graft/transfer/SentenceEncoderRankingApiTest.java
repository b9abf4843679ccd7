package dev.graft.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestTenants;

/**
 * {@code POST /v1/models:rank} on a small text dataset of real sentences (two topics) ranks every
 * shipped sentence encoder, and each of them above a vocabulary model with random weights: what a
 * pretrained encoder knows about wording is what LogME scores.
 */
@GraftServerTest
@TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)
class SentenceEncoderRankingApiTest {

    static final List<String> ENCODERS = List.of("all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2");
    static final List<String> WEATHER = List.of("Heavy rain is expected across the north tomorrow.",
            "A cold front will bring snow to the hills overnight.", "Sunny spells and light winds this afternoon.",
            "Thunderstorms may cause flooding in low-lying areas.", "Temperatures will drop below freezing tonight.",
            "Fog will clear by mid-morning, leaving a bright day.", "Strong gusts are forecast along the coast.",
            "The heatwave is set to continue through the weekend.", "Showers will turn to sleet later this evening.",
            "A humid, cloudy start with drizzle in places.");
    static final List<String> MUSIC = List.of("The orchestra played Brahms with great warmth.",
            "Her new album mixes jazz harmonies with folk melodies.", "The guitarist tuned down a step for the last song.",
            "The choir rehearsed the hymn in four-part harmony.", "He practises scales on the piano every morning.",
            "The band's drummer kept a steady groove all night.", "The violin concerto ends with a fiery cadenza.",
            "Fans sang along to every chorus at the concert.", "The producer layered synthesisers over the bass line.",
            "She composed the string quartet in a single summer.");

    @LocalServerPort
    int port;

    @Test
    void ranksEverySentenceEncoderAboveAVocabularyModelFromScratch() {
        ApiClient api = TestTenants.create(port, "rank-text").api();
        StringBuilder jsonl = new StringBuilder();
        WEATHER.forEach(t -> jsonl.append("{\"text\": \"").append(t).append("\", \"label\": \"weather\"}\n"));
        MUSIC.forEach(t -> jsonl.append("{\"text\": \"").append(t).append("\", \"label\": \"music\"}\n"));
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "text").file("file", "topics.jsonl",
                "application/jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8))).json().get("id").asString();

        ApiClient.Response ranked = api.post("/v1/models:rank", "application/json",
                ("{\"dataset\": \"" + dataset + "\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(ranked.status()).as(ranked.body()).isEqualTo(200);
        Map<String, JsonNode> byModel = new LinkedHashMap<>();
        ranked.json().get("data").forEach(entry -> byModel.put(entry.get("model").asString(), entry));
        assertThat(byModel).containsOnlyKeys("arch-embedding-bag", "all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2");
        double scratch = byModel.get("arch-embedding-bag").get("score").asDouble();
        for (String encoder : ENCODERS) {
            assertThat(byModel.get(encoder).get("score").asDouble()).as(encoder).isGreaterThan(scratch);
            assertThat(byModel.get(encoder).get("pretrained").asBoolean()).as(encoder).isTrue();
        }
        assertThat(byModel.get("arch-embedding-bag").get("rank").asInt()).isEqualTo(4);
    }
}
