"""The NB-SVM classifier: what it learns, and that its shortcut at prediction time gives what
scaling each message explicitly would give."""

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from longcheng.routing.classifier import NaiveBayesSVM, build_pipeline, search_words


def test_prediction_equals_scaling_each_message_explicitly():
    rng = np.random.default_rng(3)
    X = sparse.random(60, 40, density=0.2, format="csr", random_state=4)
    y = rng.choice(["甲", "乙", "丙"], size=60)
    model = NaiveBayesSVM(C=0.5).fit(X, y)
    new = sparse.random(10, 40, density=0.2, format="csr", random_state=5)

    expected = np.zeros((10, 3))
    for k, ratio in enumerate(model.ratio_):
        scaled = normalize(new @ sparse.diags(ratio))
        weights = model.coef_[k] / ratio  # the SVM's own weights, before folding in the ratio
        expected[:, k] = scaled @ weights + model.intercept_[k]
    assert np.allclose(model.decision_function(new), expected)


def test_a_feature_found_in_only_one_category_weighs_towards_it():
    X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1]], dtype=float))
    model = NaiveBayesSVM().fit(X, ["教育", "教育", "交通", "交通"])
    education = list(model.classes_).index("教育")
    # Column 0 occurs only in education messages, column 1 everywhere.
    assert model.ratio_[education, 0] > 0
    assert abs(model.ratio_[education, 1]) < 1e-9
    assert model.predict(sparse.csr_matrix([[1.0, 0, 0]]))[0] == "教育"


def test_search_mode_words_let_a_short_word_meet_its_compound():
    assert {"医疗", "保险", "医疗保险"} <= set(search_words("职工医疗保险费能否网上查询"))
    pairs = [
        ("医疗保险报销难", "职工医疗保险报销手续太复杂"),
        ("医疗保险断缴", "单位没有按时缴纳医疗保险"),
        ("医疗保险转移", "异地医疗保险转移接续困难"),
        ("道路坑洼", "道路坑洼不平车辆颠簸"),
        ("道路破损", "道路破损多日无人修补"),
        ("道路积水", "下雨道路积水严重无法通行"),
    ]
    labels = ["劳动和社会保障"] * 3 + ["交通运输"] * 3
    model = build_pipeline(n_jobs=1).fit(pairs, labels)
    assert model.predict([("保险", "保险怎么查询")])[0] == "劳动和社会保障"
