// Plotly's core (which holds the scatter trace) with the two other trace types the dashboards draw.
// Left out on purpose: the world-calendars component of the published cartesian bundle, never used (the charts
// use the Gregorian calendar only) and most of the 0.3-0.47 s Chromium took to start that bundle on 2 cores.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
