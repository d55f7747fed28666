// A demonstration's script: the policy outputs in order, and which of them are mistakes.

export const MISTAKE_KINDS = ['wrong_hop', 'arithmetic_slip', 'premature_answer'] as const;
export type MistakeKind = (typeof MISTAKE_KINDS)[number];

export interface DemonstrationMistake {
  kind: MistakeKind;
  /** Index of the wrong output. */
  step: number;
  /** True when a later output puts the episode back on the gold path. */
  recovered: boolean;
}

export interface DemonstrationPlan {
  outputs: string[];
  mistakes: DemonstrationMistake[];
}

export function searchOutput(note: string | null, query: string): string {
  return `${note ? `${note} ` : ''}<search_query>${query}</search_query>`;
}

export function answerOutput(note: string | null, answer: string): string {
  return `${note ? `${note} ` : ''}<answer>${answer}</answer>`;
}

export function calculatorOutput(expression: string): string {
  return `<math_exp>${expression}</math_exp>`;
}
