package dev.mlops.tracking.internal;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Generated run names in MLflow's style: {@code adjective-animal-number}. */
final class RunNames {
  private static final List<String> ADJECTIVES =
      List.of(
          "able",
          "bold",
          "brave",
          "bright",
          "calm",
          "capable",
          "clean",
          "clever",
          "crisp",
          "curious",
          "dapper",
          "eager",
          "fast",
          "fearless",
          "gentle",
          "glamorous",
          "grand",
          "happy",
          "honest",
          "keen",
          "kind",
          "languid",
          "lively",
          "loud",
          "lucky",
          "merciful",
          "mighty",
          "nimble",
          "polite",
          "proud",
          "quick",
          "quiet",
          "rare",
          "resilient",
          "rogue",
          "salty",
          "shy",
          "silent",
          "sincere",
          "smiling",
          "spiffy",
          "stately",
          "sunny",
          "swift",
          "tasteful",
          "thoughtful",
          "traveling",
          "trusting",
          "unique",
          "upbeat",
          "vaunted",
          "victorious",
          "wise",
          "witty",
          "youthful",
          "zealous");
  private static final List<String> ANIMALS =
      List.of(
          "ant", "ape", "asp", "bass", "bat", "bear", "bee", "bird", "boar", "bug", "calf", "carp",
          "cat", "cod", "colt", "conch", "cow", "crab", "crane", "croc", "crow", "cub", "deer",
          "doe", "dog", "dove", "duck", "eel", "elk", "finch", "fish", "flea", "fly", "foal",
          "fowl", "fox", "frog", "gnat", "gnu", "goat", "goose", "grouse", "gull", "hare", "hawk",
          "hen", "hog", "horse", "hound", "jay", "kit", "kite", "koi", "lamb", "lark", "loon",
          "lynx", "mare", "midge", "mink", "mole", "moose", "moth", "mouse", "mule", "newt", "owl",
          "ox", "panda", "penguin", "perch", "pig", "pug", "quail", "ram", "rat", "ray", "robin",
          "seal", "shark", "sheep", "shrew", "skink", "skunk", "sloth", "slug", "snail", "snake",
          "squid", "stag", "stork", "swan", "toad", "trout", "wasp", "whale", "wolf", "worm",
          "wren", "yak", "zebra");

  private RunNames() {}

  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return ADJECTIVES.get(r.nextInt(ADJECTIVES.size()))
        + "-"
        + ANIMALS.get(r.nextInt(ANIMALS.size()))
        + "-"
        + r.nextInt(1000);
  }
}
