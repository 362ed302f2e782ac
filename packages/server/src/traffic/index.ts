export { registerTrafficRoutes, setNodeTrafficShare, type TrafficContext } from './routes.js';
export { toService } from './service-view.js';
