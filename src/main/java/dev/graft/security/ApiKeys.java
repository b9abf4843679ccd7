package dev.graft.security;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.graft.web.ApiProblem;
import dev.graft.web.Hashes;
import dev.graft.web.Ids;
import dev.graft.web.ListPage;
import dev.graft.web.ProblemType;

/**
 * Tenants and their API keys: made and revoked by the admin, checked on every request. A key is
 * {@code graft_sk_} and 256 random bits; it is returned once and only its SHA-256 is stored.
 */
@Service
public class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String KEY_PREFIX = "graft_sk_";
    private static final int SHOWN_PREFIX = KEY_PREFIX.length() + 4;

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;

    ApiKeys(TenantRepository tenants, ApiKeyRepository keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    /** The caller a bearer key stands for, if it is a live key. */
    Optional<Caller> authenticate(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        return keys.findActiveByHash(Hashes.sha256(key)).map(row -> {
            keys.touch(row.id());
            return new Caller(row.tenantId(), row.id());
        });
    }

    TenantView createTenant(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ApiProblem.invalidField("/name", "is required: 1 to 100 characters");
        }
        String id = Ids.newId("tenant");
        try {
            tenants.insert(id, name.strip());
        }
        catch (DuplicateKeyException e) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "A tenant named '" + name.strip() + "' exists");
        }
        log.info("Tenant {} ({}) created", id, name.strip());
        return tenant(id);
    }

    TenantView tenant(String id) {
        return tenants.find(id).map(ApiKeys::view).orElseThrow(() -> ApiProblem.notFound("tenant", id));
    }

    ListPage<TenantView> tenants(String after, Integer limit) {
        int size = ListPage.checkLimit(limit);
        long afterSeq = after == null ? 0 : tenants.find(after).map(TenantRepository.TenantRow::seq)
                .orElseThrow(() -> ApiProblem.invalidField("after", "no tenant with id '" + after + "' to continue after"));
        return ListPage.of(tenants.page(afterSeq, size + 1), size, TenantRepository.TenantRow::id).map(ApiKeys::view);
    }

    /** A new key for the tenant; the response is the only place the key itself ever appears. */
    ApiKeyView createKey(String tenantId, String name) {
        tenant(tenantId);
        if (name != null && name.length() > 100) {
            throw ApiProblem.invalidField("/name", "must be at most 100 characters");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = Ids.newId("key");
        keys.insert(id, tenantId, name, key.substring(0, SHOWN_PREFIX), Hashes.sha256(key));
        log.info("API key {} created for tenant {}", id, tenantId);
        ApiKeyRepository.KeyRow row = keys.find(id).orElseThrow();
        return view(row, key);
    }

    ListPage<ApiKeyView> keys(String tenantId, String after, Integer limit) {
        tenant(tenantId);
        int size = ListPage.checkLimit(limit);
        long afterSeq = after == null ? 0 : keys.find(after).filter(k -> k.tenantId().equals(tenantId))
                .map(ApiKeyRepository.KeyRow::seq)
                .orElseThrow(() -> ApiProblem.invalidField("after", "no key with id '" + after + "' to continue after"));
        return ListPage.of(keys.ofTenant(tenantId, afterSeq, size + 1), size, ApiKeyRepository.KeyRow::id)
                .map(row -> view(row, null));
    }

    /** Revokes a key at once: its next request gets 401. Revoking twice is harmless. */
    ApiKeyView revoke(String keyId) {
        keys.find(keyId).orElseThrow(() -> ApiProblem.notFound("API key", keyId));
        if (keys.revoke(keyId)) {
            log.info("API key {} revoked", keyId);
        }
        return view(keys.find(keyId).orElseThrow(), null);
    }

    private static TenantView view(TenantRepository.TenantRow row) {
        return new TenantView(row.id(), "tenant", row.name(), row.createdAt().getEpochSecond());
    }

    private static ApiKeyView view(ApiKeyRepository.KeyRow row, String key) {
        return new ApiKeyView(row.id(), "api_key", row.tenantId(), row.name(), row.prefix(),
                row.createdAt().getEpochSecond(), seconds(row.lastUsedAt()), seconds(row.revokedAt()), key);
    }

    private static Long seconds(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }
}
