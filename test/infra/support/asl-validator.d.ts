// Types for asl-validator, which ships none.
declare module 'asl-validator' {
  interface AslValidationError { 'Error code': string; Message: string; path?: string }
  function validateAsl(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): { isValid: boolean; errors: AslValidationError[]; errorsText: (separator?: string) => string };
  export = validateAsl;
}
