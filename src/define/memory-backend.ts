import { MemoryBackend } from '../backends/memory.js';
import { registerKitBackend } from '../backends/resolve.js';

// `backend="memory"`: the page-wide MemoryBackend. The package entry imports this module; a
// page that defines tags one by one imports it only if it wants the memory backend.
registerKitBackend('memory', () => MemoryBackend.shared);

export { MemoryBackend };
