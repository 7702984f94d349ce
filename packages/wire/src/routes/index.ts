/** Every API route as a contract, by audience (see contract.ts). */
export * from './contract.ts';
export { Bodies, Components } from './components.ts';
export { merchantRoutes } from './merchant.ts';
export { portalRoutes } from './portal.ts';
export { publicRoutes } from './public.ts';
