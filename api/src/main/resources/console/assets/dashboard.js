// Draws the dashboard's charts with uPlot from the figures the server put in each figure's data-chart attribute.
// The same figures are in a table under each chart, so nothing is lost without this script.
(function () {
  'use strict';
  var colours = ['#1f5fd1', '#c0392b'];
  var height = 220;

  function format(value, unit) {
    if (value == null) {
      return '—';
    }
    if (unit === 'usd') {
      return '$' + (value < 1 ? value.toPrecision(2) : value.toFixed(2));
    }
    if (unit === 'ms') {
      return value < 1000 ? Math.round(value) + ' ms' : (value / 1000).toFixed(2) + ' s';
    }
    return String(Math.round(value * 100) / 100);
  }

  function pad(number) {
    return String(number).padStart(2, '0');
  }

  // UTC, as every other time in the console: HH:MM for minutes, MM-DD for days.
  function time(seconds, daily) {
    var date = new Date(seconds * 1000);
    return daily
      ? pad(date.getUTCMonth() + 1) + '-' + pad(date.getUTCDate())
      : pad(date.getUTCHours()) + ':' + pad(date.getUTCMinutes());
  }

  function draw(figure) {
    var data = JSON.parse(figure.dataset.chart);
    var holder = figure.querySelector('.chart');
    var width = function () {
      return Math.max(260, holder.clientWidth);
    };
    var series = [{
      label: 'UTC',
      value: function (u, v) {
        return v == null ? '—' : time(v, data.daily);
      }
    }].concat(data.series.map(function (line, i) {
      return {
        label: line.label,
        stroke: colours[i % colours.length],
        width: 2,
        // A minute with executions between two without would otherwise draw nothing at all.
        points: { show: true, size: 5 },
        fill: data.daily ? colours[i % colours.length] + '66' : undefined,
        paths: data.daily ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined,
        value: function (u, v) {
          return format(v, data.unit);
        }
      };
    }));
    var chart = new uPlot({
      width: width(),
      height: height,
      tzDate: function (seconds) {
        return uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');
      },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, 1)]; } } },
      series: series,
      axes: [{
        values: function (u, ticks) {
          return ticks.map(function (tick) {
            return time(tick, data.daily);
          });
        }
      }, {
        size: 64,
        // Whole executions only; prices and latencies split as uPlot likes.
        incrs: data.unit === 'count' ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000] : undefined,
        values: function (u, ticks) {
          return ticks.map(function (tick) {
            return format(tick, data.unit);
          });
        }
      }]
    }, [data.x].concat(data.series.map(function (line) {
      return line.values;
    })), holder);
    new ResizeObserver(function () {
      chart.setSize({ width: width(), height: height });
    }).observe(holder);
  }

  document.querySelectorAll('figure[data-chart]').forEach(draw);
})();
