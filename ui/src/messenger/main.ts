import { mount } from 'svelte';
import './messenger.css';
import Messenger from './Messenger.svelte';
import { pageParams } from './embed';

const params = pageParams(location.search);
if (params.embed) document.documentElement.classList.add('embed');

const target = document.getElementById('messenger');
if (!target) throw new Error('messenger.html has no #messenger element');

export default mount(Messenger, { target, props: { params } });
