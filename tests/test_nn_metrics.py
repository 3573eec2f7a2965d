"""Specification of nn.metrics: decision rules from outputs to labels, accuracy, confusion matrices."""

import numpy as np
import pytest

from nn import losses
from nn.losses import decision_for
from nn.metrics import (
    accuracy, check_decision, confusion_matrix, format_confusion_matrix, get_metric, target_labels, to_labels,
)


def test_threshold_rule_reads_one_output_as_a_probability_above_one_half():
    assert to_labels([[0.2], [0.5], [0.5000001], [0.9]], "threshold").tolist() == [0, 0, 1, 1]


def test_logit_rule_reads_one_output_as_a_logit_above_zero():
    assert to_labels([[-3.0], [0.0], [0.1]], "logit").tolist() == [0, 0, 1]


def test_sign_rule_gives_minus_one_or_one_for_hinge_margins():
    assert to_labels([[-0.5], [0.0], [2.0]], "sign").tolist() == [-1, -1, 1]


def test_argmax_rule_picks_the_largest_output_and_the_first_on_ties():
    assert to_labels([[0.1, 0.7, 0.2], [1.0, 1.0, 0.0]], "argmax").tolist() == [1, 0]


def test_a_one_output_rule_refuses_several_outputs():
    with pytest.raises(ValueError, match="argmax"):
        to_labels([[0.1, 0.9]], "threshold")


def test_an_unknown_decision_rule_is_named_in_the_error():
    with pytest.raises(ValueError, match="'nearest'"):
        check_decision("nearest")


@pytest.mark.parametrize("loss, outputs, rule", [
    (losses.mse, 1, "threshold"), ("sse", 1, "threshold"), (losses.binary_cross_entropy, 1, "threshold"),
    (losses.binary_cross_entropy_with_logits, 1, "logit"), ("binary_cross_entropy_with_logits", 1, "logit"),
    (losses.hinge, 1, "sign"), ("hinge", 1, "sign"), (losses.categorical_cross_entropy, 10, "argmax"),
    (losses.mse, 3, "argmax"), (lambda o, t: None, 1, "threshold"), (None, 1, "threshold"),
])
def test_the_decision_rule_is_inferred_from_the_loss_and_the_number_of_outputs(loss, outputs, rule):
    assert decision_for(loss, outputs) == rule


def test_a_loss_function_of_ones_own_carries_its_decision_rule():
    def margin_loss(outputs, targets):
        return losses.hinge(outputs, targets)

    assert decision_for(margin_loss, 1) == "threshold"
    margin_loss.decision = "sign"
    assert decision_for(margin_loss, 1) == "sign" and decision_for(margin_loss, 2) == "argmax"


def test_target_labels_turn_one_hot_rows_into_indices_and_flatten_a_column():
    assert target_labels([[0, 0, 1], [1, 0, 0]]).tolist() == [2, 0]
    assert target_labels([[1], [-1]]).tolist() == [1, -1]
    assert target_labels([3, 1]).tolist() == [3, 1]


def test_accuracy_is_the_fraction_of_matching_labels():
    assert accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    assert accuracy(np.array([-1, 1]), np.array([-1, 1])) == 1.0


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([0, 1], [0], "same length"), ([], [], "empty"), ([[0, 1], [1, 0]], [1, 0], "one-hot"),
])
def test_accuracy_rejects_mismatched_or_empty_or_one_hot_labels(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        accuracy(y_true, y_pred)


def test_confusion_matrix_counts_true_labels_by_row_and_predictions_by_column():
    m = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert m.sum() == 6 and np.trace(m) == 4


def test_confusion_matrix_includes_classes_that_never_occur_up_to_the_largest():
    assert confusion_matrix([0, 3], [0, 3]).shape == (4, 4)
    assert confusion_matrix([0], [0], labels=range(3)).tolist() == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_confusion_matrix_handles_minus_one_one_labels_in_sorted_order():
    assert confusion_matrix([-1, 1, 1], [-1, -1, 1]).tolist() == [[1, 0], [1, 1]]


def test_confusion_matrix_orders_named_labels_alphabetically():
    assert confusion_matrix(["dog", "cat", "cat"], ["cat", "cat", "dog"]).tolist() == [[1, 1], [1, 0]]


def test_confusion_matrix_rejects_labels_missing_from_the_given_list():
    with pytest.raises(ValueError, match=r"\[5\]"):
        confusion_matrix([0, 5], [0, 1], labels=[0, 1])


def test_the_confusion_table_shows_counts_recall_and_accuracy():
    text = format_confusion_matrix([[8, 2], [0, 0]], labels=["cat", "dog"])
    lines = text.splitlines()
    assert lines[0].startswith("true\\pred") and "cat" in lines[0] and "recall" in lines[0]
    assert lines[1].split()[:3] == ["cat", "8", "2"] and lines[1].endswith("80.0%")
    assert lines[2].endswith("–")  # no true dogs: recall undefined, not a division by zero
    assert lines[-1] == "accuracy 80.0% (8 of 10)"


@pytest.mark.parametrize("matrix, labels", [([[1, 2, 3]], None), ([[1, 0], [0, 1]], ["a"])])
def test_the_confusion_table_rejects_non_square_matrices_and_wrong_label_counts(matrix, labels):
    with pytest.raises(ValueError):
        format_confusion_matrix(matrix, labels)


def test_metrics_are_looked_up_by_name_or_taken_as_functions():
    assert get_metric("accuracy") == ("accuracy", accuracy)

    def errors(t, p):
        return float(np.sum(t != p))

    assert get_metric(errors) == ("errors", errors)
    with pytest.raises(ValueError, match="f1"):
        get_metric("f1")
