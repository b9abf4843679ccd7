package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.graft.storage.ArtifactStore;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * Fetches a model file from a URL into the artifact store and checks its SHA-256. The bytes go to
 * {@code downloads/<sha256>-<tenant and URL digest>.part}, kept when the connection fails so that
 * the same request resumes with an HTTP Range (one tenant's broken download never feeds another's);
 * a file that is too large or does not match its checksum is deleted. The
 * client never follows redirects itself: each one is checked by {@link HubAddresses} first.
 */
@Component
class HubDownload {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final ArtifactStore store;
    private final HubProperties properties;
    private final HubAddresses addresses;
    private final HttpClient client;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hub-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    HubDownload(ArtifactStore store, HubProperties properties) {
        this.store = store;
        this.properties = properties;
        this.addresses = new HubAddresses(properties);
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(properties.connectTimeout()).build();
    }

    /**
     * The verified file, which the caller deletes when done with it. 422 for a URL refused by the
     * rules, an answer other than the file, a file over the size cap or with another checksum
     * (nothing kept); 502 when the connection fails or stalls (the part kept for a retry to resume).
     */
    Path fetch(String tenantId, URI requested, String sha256) throws IOException {
        // The host is checked before anything exists on disk for this request.
        URI target = addresses.target(requested);
        String name = partName(tenantId, requested, sha256);
        if (!inFlight.add(name)) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT,
                    "A download of " + requested + " is already in progress; retry when it is done");
        }
        try {
            Path part = store.directory("downloads").resolve(name);
            download(target, part);
            String actual = sha256Of(part);
            if (!actual.equals(sha256)) {
                Files.deleteIfExists(part);
                throw ApiProblem.unprocessable(List.of(new FieldError("sha256", "does not match the downloaded file, whose "
                        + "SHA-256 is " + actual + "; nothing was kept")));
            }
            return part;
        }
        finally {
            inFlight.remove(name);
        }
    }

    private void download(URI target, Path part) throws IOException {
        long max = properties.maxDownloadSize().toBytes();
        URI uri = target;
        int redirects = 0;
        boolean restarted = false;
        while (true) {
            addresses.check(uri, redirects > 0);
            long have = Files.exists(part) ? Files.size(part) : 0;
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(properties.readTimeout()).GET();
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response = send(request.build(), uri);
            int status = response.statusCode();
            try (InputStream body = response.body()) {
                if (REDIRECTS.contains(status)) {
                    String location = response.headers().firstValue("Location").orElse(null);
                    if (location == null || ++redirects > properties.maxRedirects()) {
                        throw HubAddresses.refuse("names " + uri + ", which answers " + status + " without a usable "
                                + "redirect (or past graft.hub.max-redirects = " + properties.maxRedirects() + ")");
                    }
                    uri = uri.resolve(location.trim());
                    continue;
                }
                if (status == 416 && have > 0) {
                    return; // the part already holds the whole file: the checksum decides
                }
                boolean resumes = status == 206 && have > 0 && contentRangeStartsAt(response, have);
                if (status == 206 && !resumes) {
                    if (restarted) {
                        throw HubAddresses.refuse("names " + uri + ", which answers ranges that do not match the request");
                    }
                    Files.deleteIfExists(part); // an answer for another range: start over once
                    restarted = true;
                    continue;
                }
                if (status != 200 && !resumes) {
                    throw HubAddresses.refuse("names " + uri + ", which answers HTTP " + status + " instead of the file");
                }
                long offset = resumes ? have : 0;
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared >= 0 && offset + declared > max) {
                    Files.deleteIfExists(part);
                    throw tooLarge(uri, offset + declared, max);
                }
                copy(body, part, offset, max, uri);
                return;
            }
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request, URI uri) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        }
        catch (IOException e) {
            throw unreachable(uri, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(uri, "interrupted");
        }
    }

    /** Appends (or writes from the start) at most up to {@code max} bytes in all, with an idle timeout per chunk. */
    private void copy(InputStream body, Path part, long offset, long max, URI uri) throws IOException {
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long idle = properties.readTimeout().toNanos();
        // The JDK client's timeout covers the headers only; a body that stops arriving is closed from here.
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastProgress.get() > idle && stalled.compareAndSet(false, true)) {
                try {
                    body.close();
                }
                catch (IOException ignored) {
                    // closing is the whole point; a failure to close leaves the read to fail on its own
                }
            }
        }, Math.max(1, idle / 4), Math.max(1, idle / 4), TimeUnit.NANOSECONDS);
        long written = offset;
        try (OutputStream out = offset > 0 ? Files.newOutputStream(part, StandardOpenOption.APPEND)
                : Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                lastProgress.set(System.nanoTime());
                written += n;
                if (written > max) {
                    out.close();
                    Files.deleteIfExists(part);
                    throw tooLarge(uri, written, max);
                }
                out.write(buffer, 0, n);
            }
        }
        catch (IOException e) {
            throw unreachable(uri, (stalled.get() ? "no data for " + properties.readTimeout().toSeconds() + " s"
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))
                    + "; " + written + " bytes are kept and the same request resumes from there");
        }
        finally {
            guard.cancel(false);
        }
        if (stalled.get()) {
            throw unreachable(uri, "no data for " + properties.readTimeout().toSeconds() + " s; " + written
                    + " bytes are kept and the same request resumes from there");
        }
    }

    private static boolean contentRangeStartsAt(HttpResponse<?> response, long offset) {
        String range = response.headers().firstValue("Content-Range").orElse("");
        return range.startsWith("bytes " + offset + "-");
    }

    private static ApiProblem tooLarge(URI uri, long size, long max) {
        return HubAddresses.refuse("names " + uri + ", a file of at least " + size + " bytes; at most " + max
                + " are downloaded (graft.hub.max-download-size); nothing was kept");
    }

    private static ApiProblem unreachable(URI uri, String why) {
        return new ApiProblem(HttpStatus.BAD_GATEWAY, ProblemType.SERVICE_UNAVAILABLE,
                "Cannot download " + uri + ": " + why);
    }

    /** {@code <sha256>-<16 hex digits of SHA-256(tenant, URL)>.part}: the expected file, for this tenant and source. */
    static String partName(String tenantId, URI url, String sha256) {
        byte[] source = (tenantId + "\n" + url).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return sha256 + "-" + HexFormat.of().formatHex(digest().digest(source)).substring(0, 16) + ".part";
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Of(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
