package dev.graft.security;

/**
 * An API key as the admin API shows it. {@code key} is the secret itself: present only in the
 * response that creates the key, since only its hash is stored.
 */
record ApiKeyView(String id, String object, String tenant, String name, String prefix, long createdAt, Long lastUsedAt,
        Long revokedAt, String key) {
}
