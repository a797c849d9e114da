"""The step registry is keyed by (flow class, node name): two flows may each have a node of the
same name, and each gets its own step."""

from types import SimpleNamespace

import pytest
from django import forms
from viewflow import this
from viewflow.workflow.base import Flow
from viewflow.workflow.nodes import End, StartHandle, View

from workflows import steps
from workflows.flows import StatutoryAssessmentFlow
from workflows.models import CaseProcess, CaseTask


class AnotherFlow(Flow):
    """A second flow with a node named as one of the assessment's."""

    process_class = CaseProcess
    task_class = CaseTask

    start = StartHandle().Next(this.decide_to_assess)
    decide_to_assess = View(lambda request, **kwargs: None).Next(this.end)
    end = End()


def task_of(flow_class, name):
    return SimpleNamespace(flow_task=flow_class.instance.node(name))


def test_every_human_step_of_the_assessment_has_its_step():
    nodes = {
        node.name
        for node in StatutoryAssessmentFlow.instance.nodes()
        if getattr(node, "task_type", None) == "HUMAN"
    }
    assert nodes
    assert {name for flow, name in steps.STEPS if flow is StatutoryAssessmentFlow} == nodes


def test_two_flows_with_a_node_of_the_same_name_get_their_own_steps(monkeypatch):
    assessment = steps.step_for(task_of(StatutoryAssessmentFlow, "decide_to_assess"))
    with pytest.raises(KeyError):
        steps.step_for(task_of(AnotherFlow, "decide_to_assess"))

    other = steps.Step(forms.Form, lambda *args: None, "Decide something else")
    monkeypatch.setattr(
        steps, "STEPS", {**steps.STEPS, **steps.steps_of(AnotherFlow, {"decide_to_assess": other})}
    )

    assert steps.step_for(task_of(AnotherFlow, "decide_to_assess")) is other
    assert steps.step_for(task_of(StatutoryAssessmentFlow, "decide_to_assess")) is assessment
    assert assessment.button == "Record the decision"
