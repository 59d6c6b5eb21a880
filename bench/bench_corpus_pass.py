"""The corpus pass (learning the names papers introduce) is linear in papers.

Builds synthetic corpora of 1,000 / 5,000 / 10,000 papers, each introducing one coined
name and using a few names earlier papers introduced, and times ``Extractor.learn``
followed by extraction of every paper. Linear means the time per paper stays flat.

    python bench/bench_corpus_pass.py [--sizes 1000 5000 10000]
"""

from __future__ import annotations

import argparse
import random
import time


def synthetic_corpus(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` papers; paper i introduces ``Zorb{i}Net`` and cites three earlier names."""
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        earlier = [f"Zorb{rng.randrange(i)}Net" for _ in range(3)] if i else []
        uses = ", ".join(earlier) or "BERT"
        papers.append((f"Zorb{i}Net: Efficient Sparse Routing for Language Models",
                       f"We propose Zorb{i}Net, a routing method for sparse models. "
                       f"It improves over {uses} on GSM8K and MMLU with Llama 2 7B."))
    return papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    args = parser.parse_args()

    from citegraph.graph.extract.extractor import Extractor

    for n in args.sizes:
        papers = synthetic_corpus(n)
        extractor = Extractor()
        began = time.process_time()
        learnt = extractor.learn(papers)
        learn_s = time.process_time() - began
        for title, abstract in papers:
            extractor.extract(title, abstract)
        total = time.process_time() - began
        print(f"{n:6d} papers: learnt {learnt:6d} names; learn {learn_s:6.1f} s, learn + "
              f"extract {total:6.1f} s CPU ({1000 * total / n:.2f} ms a paper)")


if __name__ == "__main__":
    main()
