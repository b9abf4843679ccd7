package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.graft.training.Input;

class DynamicBatcherTest {

    final List<Integer> sizes = new CopyOnWriteArrayList<>();
    final CountDownLatch stopped = new CountDownLatch(1);

    @Test
    void queuedRequestsAreMergedInOrderUpToTheMaximumBatchSize() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        DynamicBatcher batcher = batcher(inputs -> {
            await(gate);
            return echo(inputs);
        }, 16, 4);
        List<CompletableFuture<List<float[]>>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            results.add(batcher.submit(List.of(row(i), row(100 + i))));
        }
        gate.countDown();

        for (int i = 0; i < 10; i++) {
            List<float[]> r = results.get(i).get(5, TimeUnit.SECONDS);
            assertThat(r).hasSize(2);
            assertThat(r.get(0)[0]).isEqualTo(i);
            assertThat(r.get(1)[0]).isEqualTo(100 + i);
        }
        assertThat(sizes).allMatch(s -> s <= 4 && s % 2 == 0).anyMatch(s -> s == 4);
    }

    @Test
    void aFullQueueFailsAtOnce() {
        CountDownLatch gate = new CountDownLatch(1);
        DynamicBatcher batcher = batcher(inputs -> {
            await(gate);
            return echo(inputs);
        }, 2, 1);
        batcher.submit(List.of(row(0)));
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 5; i++) {
                batcher.submit(List.of(row(i)));
            }
        }).isInstanceOf(DynamicBatcher.QueueFull.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        gate.countDown();
    }

    @Test
    void aRequestThatBreaksTheForwardPassFailsAloneAndClosingDrainsTheRest() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        DynamicBatcher batcher = batcher(inputs -> {
            await(gate);
            if (inputs.stream().anyMatch(in -> ((Input.Tabular) in).features()[0] < 0)) {
                throw new IllegalArgumentException("bad row");
            }
            return echo(inputs);
        }, 16, 8);
        batcher.submit(List.of(row(0))); // holds the worker at the gate while the rest queue up
        var good = batcher.submit(List.of(row(1)));
        var bad = batcher.submit(List.of(row(-1)));
        var alsoGood = batcher.submit(List.of(row(2)));
        batcher.close();
        gate.countDown();

        assertThat(good.get(5, TimeUnit.SECONDS).get(0)[0]).isEqualTo(1);
        assertThat(alsoGood.get(5, TimeUnit.SECONDS).get(0)[0]).isEqualTo(2);
        assertThat(bad).failsWithin(Duration.ofSeconds(5));
        assertThat(stopped.await(5, TimeUnit.SECONDS)).as("closed after the last batch").isTrue();
        assertThatThrownBy(() -> batcher.submit(List.of(row(3)))).isInstanceOf(DynamicBatcher.Unloaded.class);
    }

    private DynamicBatcher batcher(java.util.function.Function<List<Input>, List<float[]>> predict, int queue, int max) {
        return new DynamicBatcher("test", predict, 1, queue,
                new InferenceProperties.Batching(true, max, Duration.ofMillis(5)), sizes::add, stopped::countDown);
    }

    private static Input row(float x) {
        return new Input.Tabular(new float[] {x});
    }

    private static List<float[]> echo(List<Input> inputs) {
        return inputs.stream().map(in -> ((Input.Tabular) in).features().clone()).toList();
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
