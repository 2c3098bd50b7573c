"""Recipe of the `mlm_transformer256_fortunes` preset (issue 33 item 2).

`mlm_transformer_fortunes`'s recipe (BERT's 15% / 80-10-10 masking on every
fortune, WordPiece vocabulary of 3,500, sequences of 64, 6 epochs, Adam
1e-3 with 5% warm-up then cosine decay, batch 64) with a 256-wide
TextTransformer (2 layers, 4 heads, intermediate 512) instead of 64. The
width was chosen on the protocol's six topics by `zoo/studies/study_mlm.py
--width 256 --epochs 6` (issue 17's study, 44.8% / 60.3%); the card's
`other_topics_*` figures are on issue 33's six held-out topics
(`keras_ssl.datasets.HELDOUT_TOPIC_CATEGORIES`), which chose nothing. Needs
the fortune files (apt-get install fortunes).

    python zoo/recipes/mlm_transformer256_fortunes.py
"""

import mlm_transformer_fortunes

if __name__ == "__main__":
    mlm_transformer_fortunes.main("mlm_transformer256_fortunes", width=256)
