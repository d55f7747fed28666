"""Renders the chat-template fixtures with transformers' apply_chat_template, for the trainer's string-for-string test.

Development time only: python scripts/reference/generate-chat-fixtures.py (from the repository root).
"""
import json
import os

from tokenizers import Tokenizer, models
from transformers import PreTrainedTokenizerFast

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIRECTORY = os.path.join(ROOT, "test", "fixtures", "chat-templates")
SPECIAL = {
    "qwen2.5": ("<|endoftext|>", "<|im_end|>"),
    "smollm2": ("<|im_start|>", "<|im_end|>"),
    "llama3": ("<|begin_of_text|>", "<|eot_id|>"),
    "mistral": ("<s>", "</s>"),
    "gemma2": ("<bos>", "<eos>"),
}
CONVERSATIONS = [
    [{"role": "system", "content": "You solve problems with tools."}, {"role": "user", "content": "What is 12 * 7?"}],
    [{"role": "user", "content": "  Hello there  "}],
    [{"role": "user", "content": "First question"}, {"role": "assistant", "content": "First answer"}, {"role": "user", "content": "Second question"}],
    [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Plan"}, {"role": "assistant", "content": "Step 1"}, {"role": "user", "content": "Next"}],
]


def main():
    cases = []
    for family, (bos, eos) in SPECIAL.items():
        with open(os.path.join(DIRECTORY, f"{family}.jinja")) as handle:
            template = handle.read()
        tokenizer = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.BPE()), bos_token=bos, eos_token=eos)
        for conversation in CONVERSATIONS:
            for add_generation_prompt in (True, False):
                try:
                    rendered = tokenizer.apply_chat_template(conversation, chat_template=template, tokenize=False, add_generation_prompt=add_generation_prompt)
                    error = None
                except Exception as exception:  # the template's own raise_exception: recorded, the trainer must raise too
                    rendered, error = None, str(exception)
                cases.append({"family": family, "bosToken": bos, "eosToken": eos, "messages": conversation,
                              "addGenerationPrompt": add_generation_prompt, "rendered": rendered, "error": error})
    with open(os.path.join(DIRECTORY, "rendered.json"), "w") as handle:
        json.dump(cases, handle, indent=1, ensure_ascii=False)
    print(f"{len(cases)} renderings")


if __name__ == "__main__":
    main()
