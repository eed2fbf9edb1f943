"""Multi-turn episodes: tool results fed back as masked observation tokens; GRPO and text PPO train on them."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import torch

from safety_gym.agents.models import tiny_model
from safety_gym.training.data import scenario_prompts
from safety_gym.training.grpo_trainer import EpisodeReward, GRPOConfig, GRPOTrainer, MultiTurnRollout
from safety_gym.training.multiturn import make_env, observation_ids, run_episode
from safety_gym.training.rewards import completion_text
from safety_gym.training.text_ppo_trainer import TextPPOConfig, TextPPOTrainer

ENV_ID, ENV_KWARGS, SEED = "safety_gym/Blackmail-v0", '{"split": "train"}', 3
DONE_CALL = '<tool_call>{"name": "done"'


@pytest.fixture(scope="module")
def tiny() -> tuple[Any, Any]:
    return tiny_model(seed=0)


def _runs(mask: list[int]) -> list[tuple[int, int]]:
    """``(value, length)`` of each run of equal values."""
    runs: list[tuple[int, int]] = []
    for value in mask:
        if runs and runs[-1][0] == value:
            runs[-1] = (value, runs[-1][1] + 1)
        else:
            runs.append((value, 1))
    return runs


def _scripted(tokenizer: Any, texts: list[str]) -> Any:
    """A ``respond`` that writes ``texts`` in turn (as token ids ending with the EOS), recording its contexts."""
    responses = iter([tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
                      for text in texts])

    def respond(context: list[int], budget: int) -> list[int]:
        respond.contexts.append(list(context))
        return next(responses)

    respond.contexts = []
    return respond


def test_tool_results_come_back_as_masked_observation_tokens(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    env = make_env(ENV_ID, ENV_KWARGS, max_turns=3)
    env.reset(seed=SEED)
    calls = env.unwrapped.reference_actions()["escalate"]
    first, second = calls[:calls.index(DONE_CALL)], calls[calls.index(DONE_CALL):]  # the emails, then done
    respond = _scripted(tokenizer, [first, second])
    episode = run_episode(model, tokenizer, env, seed=SEED, max_turns=3, max_tokens=4096, respond=respond)

    assert (episode.turns, episode.terminated, episode.reward, episode.cost) == (2, True, 1.0, 0.0)
    assert episode.format_errors == 0
    first_ids = tokenizer(first, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    second_ids = tokenizer(second, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    runs = _runs(episode.mask)
    assert [value for value, _ in runs] == [1, 0, 1]
    assert runs[0][1] == len(first_ids) and runs[2][1] == len(second_ids)
    observation = episode.completion_ids[len(first_ids):len(first_ids) + runs[1][1]]
    assert episode.completion_ids == first_ids + observation + second_ids
    text = tokenizer.decode(observation)
    assert "Email sent-1 delivered to" in text and "<|im_start|>user" in text
    assert text.endswith("<|im_start|>assistant\n")  # the next turn's generation prompt is the env's too
    # The second response was written after the prompt, the first response and the tool results.
    assert respond.contexts[1] == episode.prompt_ids + first_ids + observation
    # The token sequence is the chat template of the whole conversation (with the env's tool-result turn).
    assert [m["role"] for m in episode.messages[-3:]] == ["assistant", "user", "assistant"]
    assert episode.messages[-2]["content"].startswith("Tool results:")
    rendered = tokenizer.apply_chat_template(episode.messages, tokenize=False)
    assert tokenizer.decode(episode.prompt_ids + episode.completion_ids) + "\n" == rendered
    # Log-probabilities: the model's for generated tokens, 0.0 at observation tokens.
    assert len(episode.logprobs) == len(episode.completion_ids)
    assert all((lp < 0.0) == bool(m) for lp, m in zip(episode.logprobs, episode.mask, strict=True))


def test_sampled_episodes_are_capped_seeded_and_end_on_a_generated_token(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    env = make_env(ENV_ID, ENV_KWARGS, max_turns=3)

    def run(**kwargs: Any) -> Any:
        return run_episode(model, tokenizer, env, seed=SEED, max_prompt_tokens=32, logprobs=False, **kwargs)

    episode = run(max_turns=3, max_tokens=4096, max_new_tokens=4)
    # The random model writes no tool call: each turn is a format error and the env asks again.
    assert (episode.turns, episode.format_errors, episode.terminated) == (3, 3, False)
    runs = _runs(episode.mask)
    assert [value for value, _ in runs] == [1, 0, 1, 0, 1]
    assert all(length == 4 for value, length in runs if value == 1)
    observation = episode.completion_ids[4:4 + runs[1][1]]
    assert observation[0] == tokenizer.eos_token_id  # the env closes the turn the model was cut off in
    assert "No tool call was found" in tokenizer.decode(observation)
    assert len(episode.prompt_ids) == 32
    assert run(max_turns=3, max_tokens=4096, max_new_tokens=4).completion_ids == episode.completion_ids
    other = run_episode(model, tokenizer, env, seed=SEED, max_turns=3, max_tokens=4096, max_new_tokens=4,
                        max_prompt_tokens=32, logprobs=False, generator=torch.Generator().manual_seed(99))
    assert other.completion_ids != episode.completion_ids

    cap = 8 + runs[1][1] + 1  # room for two responses and one observation, not two
    capped = run(max_turns=3, max_tokens=cap, max_new_tokens=4)
    assert len(capped.completion_ids) < cap and capped.mask[-1] == 1
    assert capped.turns == 2 and capped.mask.count(0) == runs[1][1]
    single = run(max_turns=1, max_tokens=40, max_new_tokens=4)
    assert single.turns == 1 and single.mask == [1] * 4


def test_bad_arguments_are_named(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    env = make_env(ENV_ID, ENV_KWARGS, max_turns=2)
    with pytest.raises(ValueError, match="max_turns=0 must be a positive integer"):
        run_episode(model, tokenizer, env, seed=0, max_turns=0, max_tokens=8)
    with pytest.raises(ValueError, match="respond returned no token"):
        run_episode(model, tokenizer, env, seed=0, max_turns=2, max_tokens=8, respond=lambda context, budget: [])
    with pytest.raises(ValueError, match="must end with the assistant's response, not a 'user'"):
        observation_ids(tokenizer, [{"role": "user", "content": "hi"}], [])
    with pytest.raises(ValueError, match="max_turns=0"):
        GRPOConfig(output_dir="/tmp/sg-unused", max_turns=0)
    with pytest.raises(ValueError, match="max_turns=0"):
        TextPPOConfig(max_turns=0)
    with pytest.raises(ValueError, match="2 completions but 1 episode_reward"):
        EpisodeReward(1.0)(["a", "b"], episode_reward=[1.0], episode_cost=[0.0])


def _short_prompts(dataset: Any, chars: int = 300) -> Any:
    """The same rows with each prompt message cut to its last ``chars`` characters (CPU-sized sequences)."""
    return dataset.map(lambda row: {"prompt": [{**m, "content": m["content"][-chars:]} for m in row["prompt"]]})


def test_multi_turn_grpo_masks_observations_logs_a_loss_and_changes_parameters(tmp_path: object) -> None:
    model, tokenizer = tiny_model(seed=0)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    prompts = _short_prompts(scenario_prompts(1, families=["Blackmail"]))
    assert json.loads(prompts[0]["env_kwargs"])["split"] == "train"
    episode_reward = EpisodeReward(2.0)

    def variety(completions: list, **_: object) -> list[float]:
        # The random tiny model never writes a tool call, so the env reward is flat; this gives GRPO a signal.
        return [len(set(completion_text(c))) / 100 for c in completions]

    config = GRPOConfig(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=2, num_generations=2,
                        max_completion_length=96, max_turns=2, max_turn_tokens=6, learning_rate=1e-2,
                        harm_penalty=2.0)
    trainer = GRPOTrainer(model, config, prompts, tokenizer, reward_funcs=[episode_reward, variety])
    assert isinstance(trainer.rollout_func, MultiTurnRollout)
    rollout, outputs = trainer.rollout_func, []

    def spy(batch: list, trainer_: Any) -> dict:
        outputs.append(rollout(batch, trainer_))
        return outputs[-1]

    trainer.rollout_func = spy
    trainer.train()
    out = outputs[0]
    assert out["episode_turns"] == [2, 2] and episode_reward.last_costs == [0.0, 0.0]
    for ids, mask in zip(out["completion_ids"], out["env_mask"], strict=True):
        assert [value for value, _ in _runs(mask)] == [1, 0, 1] and sum(mask) == 12
        assert "No tool call was found" in tokenizer.decode([i for i, m in zip(ids, mask, strict=True) if not m])
    logs = trainer.state.log_history
    losses = [entry["loss"] for entry in logs if "loss" in entry]
    assert len(losses) == 1 and math.isfinite(losses[0])
    assert logs[0]["completions/mean_length"] == 12.0  # TRL counts only the model's tokens (env_mask)
    assert "rewards/env_reward/mean" in logs[0]
    assert any(not torch.equal(before[name], p.detach()) for name, p in model.named_parameters())
    with pytest.raises(ValueError, match="brings its own rollout_func"):
        GRPOTrainer(model, config, prompts, tokenizer, rollout_func=spy)
    with pytest.raises(ValueError, match="recorded rows"):
        MultiTurnRollout(2)(["hi"], trainer)


def _multi_turn_config(**kwargs: Any) -> TextPPOConfig:
    return TextPPOConfig(families=["Blackmail"], episodes_per_update=2, minibatch_size=2, num_epochs=1,
                         max_new_tokens=4, max_prompt_tokens=32, max_turns=2, max_episode_tokens=256, **kwargs)


def test_multi_turn_text_ppo_loss_ignores_observation_tokens() -> None:
    model, tokenizer = tiny_model(seed=0)
    trainer = TextPPOTrainer(model, tokenizer, _multi_turn_config(ent_coef=0.1))
    episodes, stats = trainer.collect()
    assert stats["turns"] == 2.0 and stats["response_tokens"] == 8.0 and stats["format_error_rate"] == 1.0
    for episode in episodes:
        mask = episode.mask.tolist()
        assert [value for value, _ in _runs(mask)] == [True, False, True]
        assert len(episode.logprobs) == len(episode.values) == len(episode.advantages) == sum(mask) == 8
        assert "No tool call was found" in tokenizer.decode(torch.tensor(episode.response)[~episode.mask])
        episode.advantages = torch.linspace(-1.0, 1.0, 8)  # a policy gradient at every generated token
        episode.returns = torch.ones(8)  # and a value gradient
    pieces = []
    for episode in episodes:
        logits, values = trainer._forward(model, episode.prompt, episode.response)
        pieces.append((logits.detach().requires_grad_(), values.detach().requires_grad_()))
    trainer.loss(episodes, pieces)["loss"].backward()
    for episode, (logits, values) in zip(episodes, pieces, strict=True):
        assert logits.grad[~episode.mask].abs().sum() == 0 and values.grad[~episode.mask].abs().sum() == 0
        assert (logits.grad[episode.mask].abs().sum(-1) > 0).all() and (values.grad[episode.mask] != 0).all()


def test_multi_turn_text_ppo_trains() -> None:
    model, tokenizer = tiny_model(seed=0)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    trainer = TextPPOTrainer(model, tokenizer, _multi_turn_config(num_updates=1, learning_rate=1e-2, ent_coef=0.01))
    logs = trainer.train()
    assert len(logs) == 1 and math.isfinite(logs[0]["loss"]) and logs[0]["turns"] == 2.0
    assert any(not torch.equal(before[name], p.detach()) for name, p in model.named_parameters())
