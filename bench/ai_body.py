#!/usr/bin/env python3
"""Writes a ~20 KB JSON body shaped like an LLM chat completion (OpenAI's schema, with
per-token logprobs as such APIs return them when asked): the answer bench/ai.sh serves."""
import json
import random
import sys

rng = random.Random(7)
WORDS = ("the model latency throughput token request answer cluster GPU batch queue cache "
         "prompt context window inference server scaling replica shard memory budget").split()


def sentence(n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def body(target):
    content = " ".join(sentence(rng.randint(8, 16)) for _ in range(40))
    tokens = []
    doc = {
        "id": "chatcmpl-bench-0001",
        "object": "chat.completion",
        "created": 1764979200,
        "model": "bench-llm-8b-instruct",
        "system_fingerprint": "fp_bench",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": None,
                        "tool_calls": [{"id": "call_1", "type": "function",
                                        "function": {"name": "lookup", "arguments": "{\"q\":\"gpu\"}"}}]},
            "logprobs": {"content": tokens},
            "finish_reason": "stop",
        }],
        "usage": {"prompt_tokens": 412, "completion_tokens": 0, "total_tokens": 0,
                  "prompt_tokens_details": {"cached_tokens": 128},
                  "completion_tokens_details": {"reasoning_tokens": 0}},
    }
    while len(json.dumps(doc)) < target:
        w = rng.choice(WORDS)
        tokens.append({"token": w, "logprob": round(-rng.random() * 3, 4),
                       "top_logprobs": [{"token": rng.choice(WORDS), "logprob": round(-rng.random() * 6, 4)}
                                        for _ in range(2)]})
    doc["usage"]["completion_tokens"] = len(tokens)
    doc["usage"]["total_tokens"] = 412 + len(tokens)
    return json.dumps(doc)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20 * 1024
    sys.stdout.write(body(size))
