"""Writes a tiny random-weight GGUF for `npm run test:llama`: 2 llama layers, the real Qwen2 tokenizer
(llama.cpp/models/ggml-vocab-qwen2.gguf) and the real Qwen2.5 chat template. Its answers are gibberish,
which is the point: a real llama-server with a weak model.

usage: PYTHONPATH=<llama.cpp>/gguf-py python3 tiny-model.py <llama.cpp dir> <out.gguf>
"""
import sys
import numpy as np
from gguf import GGUFReader, GGUFWriter, GGUFValueType

src, out = sys.argv[1], sys.argv[2]
vocab = GGUFReader(f"{src}/models/ggml-vocab-qwen2.gguf")
template = open(f"{src}/models/templates/Qwen-Qwen2.5-7B-Instruct.jinja", encoding="utf-8").read()


def field(name):
    f = vocab.fields[name]
    if f.types[0] == GGUFValueType.ARRAY:
        if f.types[1] == GGUFValueType.STRING:
            return [bytes(f.parts[i]) for i in f.data]
        return [int(f.parts[i][0]) for i in f.data]
    if f.types[0] == GGUFValueType.STRING:
        return bytes(f.parts[f.data[0]]).decode("utf-8")
    return int(f.parts[f.data[0]][0])


tokens = field("tokenizer.ggml.tokens")
n_vocab, n_embd, n_ff, n_head, n_layer = len(tokens), 64, 128, 4, 2
rng = np.random.default_rng(1234)  # fixed seed: the same model every time

w = GGUFWriter(out, "llama")
w.add_name("mission-companion tiny random qwen2-vocab")
w.add_context_length(32768)  # the server caps its context at this
w.add_embedding_length(n_embd)
w.add_block_count(n_layer)
w.add_feed_forward_length(n_ff)
w.add_head_count(n_head)
w.add_head_count_kv(n_head)
w.add_rope_dimension_count(n_embd // n_head)
w.add_layer_norm_rms_eps(1e-6)
w.add_rope_freq_base(10000.0)
w.add_file_type(1)  # mostly F16
w.add_tokenizer_model(field("tokenizer.ggml.model"))
w.add_tokenizer_pre(field("tokenizer.ggml.pre"))
w.add_token_list(tokens)
w.add_token_types(field("tokenizer.ggml.token_type"))
w.add_token_merges(field("tokenizer.ggml.merges"))
w.add_bos_token_id(field("tokenizer.ggml.bos_token_id"))
w.add_eos_token_id(field("tokenizer.ggml.eos_token_id"))
w.add_pad_token_id(field("tokenizer.ggml.padding_token_id"))
w.add_add_bos_token(False)
w.add_chat_template(template)


def tensor(name, *shape, dtype=np.float16):
    w.add_tensor(name, (rng.standard_normal(shape) * 0.02).astype(dtype))


tensor("token_embd.weight", n_vocab, n_embd)
w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
tensor("output.weight", n_vocab, n_embd)
for i in range(n_layer):
    w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    for t in ("attn_q", "attn_k", "attn_v", "attn_output"):
        tensor(f"blk.{i}.{t}.weight", n_embd, n_embd)
    tensor(f"blk.{i}.ffn_gate.weight", n_ff, n_embd)
    tensor(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
    tensor(f"blk.{i}.ffn_down.weight", n_embd, n_ff)

w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print(f"wrote {out}: {n_layer} layers, vocab {n_vocab}, embd {n_embd}")
