"""The parallel counting used for large histories gives exactly the single-process matrix."""

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from longcheng.routing import classifier
from longcheng.routing.classifier import Counts, clean, search_words

PAIRS = [
    ("小区噪音扰民", "夜间施工噪音很大，严重影响休息，请相关部门处理。"),
    ("道路积水", "某路段下雨后积水严重，车辆无法通行。"),
    ("学校收费", "学校要求购买指定教辅材料，收费不合理。"),
    ("医院排队", "医院挂号排队时间太长，希望增加窗口。"),
    ("工地扬尘", "工地裸土没有覆盖，扬尘严重，夜间施工噪音也大。"),
    ("公交线路", "希望增开公交线路，方便小区居民出行。"),
] * 3


def test_parallel_counts_equal_one_count_vectorizer(monkeypatch):
    monkeypatch.setattr(classifier, "PARALLEL_FROM", 4)
    for kind, reference in (
        ("chars", CountVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, max_df=0.5)),
        (
            "words",
            CountVectorizer(tokenizer=search_words, token_pattern=None, min_df=2, max_df=0.5),
        ),
    ):
        parallel = Counts(1, kind, max_df=0.5, min_df=2, n_jobs=2)
        ours = parallel.fit_transform(PAIRS)
        expected = reference.fit_transform([clean(d) for _s, d in PAIRS])
        assert list(parallel.vectorizer_.get_feature_names_out()) == list(
            reference.get_feature_names_out()
        )
        assert np.array_equal(ours.toarray(), expected.toarray())
        # Predicting a new message uses the merged vocabulary in-process.
        one = parallel.transform([("噪音", "夜间施工噪音")])
        assert np.array_equal(one.toarray(), reference.transform([clean("夜间施工噪音")]).toarray())
