// Expected PEFT output for a 2-layer model with LoRA r=4 on q_proj and v_proj, written from PEFT's documented
// checkpoint format: keys base_model.model.<module>.lora_A.weight / lora_B.weight, A [r, in], B [out, r].
export const PEFT_FIXTURE = {
  adapterConfig: {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: 4,
    lora_alpha: 8,
    lora_dropout: 0.05,
    target_modules: ['q_proj', 'v_proj'],
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    use_dora: false,
    use_rslora: false,
    modules_to_save: null,
    layers_to_transform: null,
  },
  /** hidden 32, 4 heads × 8 (q: 32 wide), 2 key-value heads × 8 (v: 16 wide). */
  tensorShapes: {
    'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight': [4, 32],
    'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight': [32, 4],
    'base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight': [4, 32],
    'base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight': [16, 4],
    'base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight': [4, 32],
    'base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight': [32, 4],
    'base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight': [4, 32],
    'base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight': [16, 4],
  } as Record<string, number[]>,
};
