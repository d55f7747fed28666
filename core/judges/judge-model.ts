// The part of a model provider a judge needs: the provider interface itself, named for the judges' side.
import type { GenerateOptions, GenerateResult, ModelProvider } from '../providers/model-provider';

export type JudgeGenerateOptions = GenerateOptions;
export type JudgeGenerateResult = GenerateResult;
export type JudgeModel = ModelProvider;
