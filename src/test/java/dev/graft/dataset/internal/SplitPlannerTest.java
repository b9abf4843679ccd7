package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitPlannerTest {

    /** 100 "a", 30 "b", 2 "c", 1 "d", interleaved so class order differs from index order. */
    private static List<Example> dataset() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 133; i++) {
            String label = i < 2 ? "c" : i == 2 ? "d" : i % 4 == 0 && i < 123 ? "b" : "a";
            examples.add(new Example(label, Integer.toString(i + 2)));
        }
        return examples;
    }

    private static long count(List<Example> examples, List<Integer> indices, String label) {
        return indices.stream().filter(i -> examples.get(i).label().equals(label)).count();
    }

    @Test
    void coversEveryIndexExactlyOnceInAscendingLists() {
        List<Example> examples = dataset();

        SplitPlanner.Split split = SplitPlanner.plan(examples, 0.2, 42);

        List<Integer> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.range(0, examples.size()).boxed().toList());
        assertThat(split.train()).isSorted();
        assertThat(split.validation()).isSorted();
    }

    @Test
    void stratifiesEachClassByTheFraction() {
        List<Example> examples = dataset();
        long a = examples.stream().filter(e -> e.label().equals("a")).count();
        long b = examples.stream().filter(e -> e.label().equals("b")).count();

        SplitPlanner.Split split = SplitPlanner.plan(examples, 0.2, 42);

        assertThat(count(examples, split.validation(), "a")).isEqualTo(Math.round(a * 0.2));
        assertThat(count(examples, split.validation(), "b")).isEqualTo(Math.round(b * 0.2));
    }

    @Test
    void keepsTinyClassesInBothSetsWhenTheyCanBe() {
        List<Example> examples = dataset();

        SplitPlanner.Split split = SplitPlanner.plan(examples, 0.2, 42);

        assertThat(count(examples, split.validation(), "c")).isEqualTo(1);
        assertThat(count(examples, split.train(), "c")).isEqualTo(1);
        // A single example can only be learned from.
        assertThat(count(examples, split.train(), "d")).isEqualTo(1);
    }

    @Test
    void neverEmptiesTrainingForALargeFraction() {
        List<Example> examples = List.of(new Example("x", "1"), new Example("x", "2"), new Example("y", "3"),
                new Example("y", "4"));

        SplitPlanner.Split split = SplitPlanner.plan(examples, 0.9, 1);

        assertThat(split.train()).hasSize(2);
        assertThat(split.validation()).hasSize(2);
    }

    @Test
    void isDeterministicForASeedAndVariesAcrossSeeds() {
        List<Example> examples = dataset();

        SplitPlanner.Split first = SplitPlanner.plan(examples, 0.2, 7);

        assertThat(SplitPlanner.plan(examples, 0.2, 7)).isEqualTo(first);
        assertThat(SplitPlanner.plan(examples, 0.2, 8)).isNotEqualTo(first);
    }

    @Test
    void pinsTheSplitSoAnAlgorithmChangeIsNoticed() {
        List<Example> examples = IntStream.range(0, 10)
                .mapToObj(i -> new Example(i % 2 == 0 ? "even" : "odd", Integer.toString(i)))
                .toList();

        SplitPlanner.Split split = SplitPlanner.plan(examples, 0.2, 42);

        // java.util.Random is specified bit for bit, so this holds on every JVM.
        assertThat(split.validation()).containsExactly(2, 9);
    }

    @Test
    void rejectsFractionsOutsideZeroToOne() {
        assertThatThrownBy(() -> SplitPlanner.plan(dataset(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SplitPlanner.plan(dataset(), 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesEachClassInProportionKeepingEveryClassAndOnlyTheGivenIndices() {
        List<Example> examples = dataset();
        List<Integer> train = SplitPlanner.plan(examples, 0.2, 42).train();

        List<Integer> sample = SplitPlanner.sample(examples, train, 40, 7);

        assertThat(sample).hasSize(40).isSorted().doesNotHaveDuplicates();
        assertThat(train).containsAll(sample);
        long a = count(examples, train, "a");
        long b = count(examples, train, "b");
        assertThat(count(examples, sample, "a")).isBetween(40 * a / train.size() - 2, 40 * a / train.size() + 2);
        assertThat(count(examples, sample, "b")).isBetween(40 * b / train.size() - 2, 40 * b / train.size() + 2);
        // Tiny classes would round to nothing; they are kept so that every class is scored.
        assertThat(count(examples, sample, "c")).isEqualTo(1);
        assertThat(count(examples, sample, "d")).isEqualTo(1);
        assertThat(SplitPlanner.sample(examples, train, 40, 7)).isEqualTo(sample);
        assertThat(SplitPlanner.sample(examples, train, 500, 7)).isEqualTo(train);
    }
}
