package dev.graft.transfer;

import java.io.IOException;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.graft.security.Caller;

/**
 * {@code POST /v1/models:rank}, a custom method on the models collection (Google AIP-136 style,
 * like {@code :predict} on one model): a path of its own, so it can never shadow a model id.
 */
@RestController
class RankingController {

    private final BaseModelRanking ranking;

    RankingController(BaseModelRanking ranking) {
        this.ranking = ranking;
    }

    @PostMapping(path = "/v1/models:rank", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    RankingView rank(Caller caller, @RequestBody JsonNode body) throws IOException {
        return ranking.rank(caller, body);
    }
}
