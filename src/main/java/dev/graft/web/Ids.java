package dev.graft.web;

import java.security.SecureRandom;

/**
 * Opaque, prefixed resource ids ({@code ds_…}, {@code ftjob_…}): 24 random base-62 characters
 * (~143 bits), so ids reveal neither row counts nor creation order and cannot be guessed.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix.length() + 25).append(prefix).append('_');
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
