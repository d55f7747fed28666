// The trainer's model as a ModelProvider (provider "trainer").
export * from './trainer-provider';
