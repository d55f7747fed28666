// Registers the model providers that live outside core (the trainer's own model) before a handler builds one.
import { registerTrainerProvider } from '../../containers/trainer/src/serve/trainer-provider';
import { hasProviderFactory } from '../../core/providers';

/** A host that registered its own `trainer` factory (the local demo, tests) keeps it. */
export function ensureModelProviders(): void {
  if (!hasProviderFactory('trainer')) registerTrainerProvider();
}
