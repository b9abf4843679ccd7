package dev.graft.web;

import java.util.List;
import java.util.function.Function;

/**
 * The one list envelope of the API, as in OpenAI's: {@code {object: "list", data, has_more,
 * first_id, last_id}}; the next page is asked for with {@code after=<last_id>}.
 */
public record ListPage<T>(String object, List<T> data, boolean hasMore, String firstId, String lastId) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    /**
     * Builds a page from up to {@code limit + 1} rows fetched in order: the extra row, if any,
     * only tells that there is more.
     */
    public static <T> ListPage<T> of(List<T> rowsPlusOne, int limit, Function<T, String> idOf) {
        boolean hasMore = rowsPlusOne.size() > limit;
        List<T> data = hasMore ? List.copyOf(rowsPlusOne.subList(0, limit)) : List.copyOf(rowsPlusOne);
        return new ListPage<>("list", data, hasMore,
                data.isEmpty() ? null : idOf.apply(data.get(0)),
                data.isEmpty() ? null : idOf.apply(data.get(data.size() - 1)));
    }

    public <R> ListPage<R> map(Function<T, R> mapper) {
        return new ListPage<>(object, data.stream().map(mapper).toList(), hasMore, firstId, lastId);
    }

    /** Checks a {@code limit} query parameter: absent means the default, otherwise 1..100. */
    public static int checkLimit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return limit;
    }
}
