package dev.graft.security;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import dev.graft.web.ApiProblem;
import dev.graft.web.ListPage;

/** Tenants and keys, for the holder of the admin key ({@link SecurityConfiguration} lets only that key in). */
@RestController
@RequestMapping(path = "/v1/admin", produces = MediaType.APPLICATION_JSON_VALUE)
class AdminController {

    private final ApiKeys keys;

    AdminController(ApiKeys keys) {
        this.keys = keys;
    }

    @PostMapping(path = "/tenants", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    TenantView createTenant(@RequestBody JsonNode body) {
        return keys.createTenant(text(body, "name", true));
    }

    @GetMapping("/tenants")
    ListPage<TenantView> tenants(@RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return keys.tenants(after, limit);
    }

    @GetMapping("/tenants/{id}")
    TenantView tenant(@PathVariable String id) {
        return keys.tenant(id);
    }

    /** The response holds the key itself, the only time it is ever shown. */
    @PostMapping(path = "/tenants/{id}/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    ApiKeyView createKey(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        return keys.createKey(id, text(body, "name", false));
    }

    @GetMapping("/tenants/{id}/keys")
    ListPage<ApiKeyView> keys(@PathVariable String id, @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", required = false) Integer limit) {
        return keys.keys(id, after, limit);
    }

    @DeleteMapping("/keys/{id}")
    ApiKeyView revoke(@PathVariable String id) {
        return keys.revoke(id);
    }

    /** Bodies are strict: an unknown field is more likely a typo than something to ignore. */
    private static String text(JsonNode body, String field, boolean required) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            if (required) {
                throw ApiProblem.invalidField("/" + field, "is required");
            }
            return null;
        }
        if (!body.isObject()) {
            throw ApiProblem.invalidField("body", "must be a JSON object");
        }
        for (String name : body.propertyNames()) {
            if (!name.equals(field)) {
                throw ApiProblem.invalidField("/" + name, "is not a known field; only '" + field + "' is accepted");
            }
        }
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiProblem.invalidField("/" + field, "is required");
            }
            return null;
        }
        if (!value.isString()) {
            throw ApiProblem.invalidField("/" + field, "must be a string");
        }
        return value.asString();
    }
}
