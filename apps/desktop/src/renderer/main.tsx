import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { detectTransport } from './transport.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<App transport={detectTransport(window)} />);
