package dev.graft.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.graft.support.Fixtures;
import dev.graft.support.Multipart;

/**
 * One client of the mixed load: until its deadline it polls job status most of the time, and
 * otherwise predicts, lists jobs, uploads a dataset, creates a job or follows a job's events over
 * SSE. Uploads, job creations and streams are paced across all clients, so the queue and the
 * event pollers grow as a busy service's would rather than without bound. Plain HTTP, timed
 * without the contract check (the functional tests check the contract).
 */
final class LoadClient implements Runnable {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Duration STREAM_WINDOW = Duration.ofSeconds(3);

    /** What the clients share: the server, what has been created so far, the pacing. */
    static final class Shared {
        final String base;
        final String model;
        final String runTag;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        final LoadStats stats = new LoadStats();
        final List<String> jobs = new CopyOnWriteArrayList<>();
        final List<String> datasets = new CopyOnWriteArrayList<>();
        final Pace uploads = new Pace(Duration.ofSeconds(1));
        final Pace creations = new Pace(Duration.ofMillis(500));
        final Pace streams = new Pace(Duration.ofMillis(250));
        final ScheduledExecutorService closer;

        Shared(String base, String model, String runTag, ScheduledExecutorService closer) {
            this.base = base;
            this.model = model;
            this.runTag = runTag;
            this.closer = closer;
        }
    }

    /** Lets one caller through per interval, across threads. */
    static final class Pace {
        private final long intervalNanos;
        private final AtomicLong next = new AtomicLong(System.nanoTime());

        Pace(Duration interval) {
            this.intervalNanos = interval.toNanos();
        }

        boolean tryPass() {
            long due = next.get();
            long now = System.nanoTime();
            return now - due >= 0 && next.compareAndSet(due, now + intervalNanos);
        }
    }

    private final Shared shared;
    private final long deadline;
    private final Random random;

    LoadClient(Shared shared, long deadlineNanos, long seed) {
        this.shared = shared;
        this.deadline = deadlineNanos;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        while (System.nanoTime() - deadline < 0) {
            try {
                step();
            }
            catch (IOException e) {
                shared.stats.failure("request", -1, e.toString());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException | Error e) {
                // A bug in the client or an answer it cannot read (no id in a 201) is a failure too; the
                // client stops rather than spin on it, and the test sees it in the failures.
                shared.stats.failure("client " + Thread.currentThread().getName(), -1, e.toString());
                return;
            }
        }
    }

    private void step() throws IOException, InterruptedException {
        if (shared.uploads.tryPass()) {
            upload();
        }
        else if (shared.creations.tryPass()) {
            createJob();
        }
        else if (shared.streams.tryPass()) {
            followEvents();
        }
        else {
            double x = random.nextDouble();
            if (x < 0.15) {
                expect("predict", send(post("/v1/models/" + shared.model + ":predict", "application/json",
                        "{\"instances\": [[0.1, -0.1], [1.9, -2.1]]}".getBytes(StandardCharsets.UTF_8))), 200);
            }
            else if (x < 0.22) {
                expect("list jobs", send(get("/v1/fine_tuning/jobs?limit=20")), 200);
            }
            else {
                long start = System.nanoTime();
                HttpResponse<String> status = send(get("/v1/fine_tuning/jobs/" + any(shared.jobs)));
                shared.stats.statusRead(System.nanoTime() - start);
                expect("status read", status, 200);
            }
        }
    }

    private void upload() throws IOException, InterruptedException {
        Multipart form = Multipart.form().field("format", "csv").file("file", "load.csv", "text/csv",
                Fixtures.csv(new String[] {"a", "b", "c"}, 10));
        HttpResponse<String> created = send(post("/v1/datasets", form.contentType(), form.bytes()));
        if (expect("upload", created, 201)) {
            shared.datasets.add(id(created.body()));
        }
    }

    private void createJob() throws IOException, InterruptedException {
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + any(shared.datasets) + "\", \"metadata\": {\"load\": \""
                + shared.runTag + "\"}, \"strategy\": \"full\", \"hyperparameters\": {\"n_epochs\": 1, \"batch_size\": 8}}";
        HttpResponse<String> created = send(post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8)));
        if (expect("create job", created, 201)) {
            shared.jobs.add(id(created.body()));
        }
    }

    /** Reads a job's event stream for a few seconds, or to its end if the job ends first, then hangs up. */
    private void followEvents() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(shared.base + "/v1/fine_tuning/jobs/" + any(shared.jobs) + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<InputStream> response = shared.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        shared.stats.count("event stream", response.statusCode());
        if (response.statusCode() != 200) {
            shared.stats.failure("event stream", response.statusCode(), new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
            return;
        }
        InputStream body = response.body();
        // Set before the hang-up closes the stream: a cancelled-but-running task still reports a
        // successful cancel, so the future alone cannot tell our close from a broken stream.
        AtomicBoolean hungUp = new AtomicBoolean();
        var hangUp = shared.closer.schedule(() -> {
            hungUp.set(true);
            closeQuietly(body);
        }, STREAM_WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        int events = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    events++;
                }
            }
            hangUp.cancel(false);
            shared.stats.count(hungUp.get() ? "event stream hung up" : "event stream ended by server", 200);
        }
        catch (IOException e) {
            // Our own hang-up closes the stream under the reader; any other error before the window
            // ends (a reset connection, a truncated chunk) is a broken stream.
            hangUp.cancel(false);
            if (!hungUp.get()) {
                shared.stats.count("event stream broken", 200);
                shared.stats.failure("event stream", 200, "broken after " + events + " events: " + e);
            }
            else {
                shared.stats.count("event stream hung up", 200);
            }
        }
        shared.stats.count("event stream with events", events > 0 ? 200 : 0);
    }

    private boolean expect(String operation, HttpResponse<String> response, int expected) {
        shared.stats.count(operation, response.statusCode());
        if (response.statusCode() != expected) {
            shared.stats.failure(operation, response.statusCode(), response.body());
            return false;
        }
        return true;
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(shared.base + path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private HttpRequest post(String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(URI.create(shared.base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return shared.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String any(List<String> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    private static String id(String json) {
        Matcher m = ID.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("No id in " + json);
        }
        return m.group(1);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        }
        catch (IOException ignored) {
            // hanging up is all that was wanted
        }
    }
}
